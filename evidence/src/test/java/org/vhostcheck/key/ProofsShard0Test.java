package org.vhostcheck.key;

import org.junit.jupiter.api.Test;

/** Shard 0 of the KeY proofs (see {@link ProofsShard}). */
class ProofsShard0Test extends ProofsShard {

    @Test
    void everyContractOfShard0EndsAsProofsJsonSays() throws Exception {
        proveShard(0);
    }
}
