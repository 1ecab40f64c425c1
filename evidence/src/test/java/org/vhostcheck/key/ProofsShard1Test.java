package org.vhostcheck.key;

import org.junit.jupiter.api.Test;

/** Shard 1 of the KeY proofs (see {@link ProofsShard}). */
class ProofsShard1Test extends ProofsShard {

    @Test
    void everyContractOfShard1EndsAsProofsJsonSays() throws Exception {
        proveShard(1);
    }
}
