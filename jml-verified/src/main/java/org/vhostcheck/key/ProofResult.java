package org.vhostcheck.key;

/**
 * Outcome of one KeY proof obligation.
 *
 * @param className fully qualified name of the class declaring the contract
 * @param method    target method name as KeY names it ({@code <init>} for constructors)
 * @param contract  KeY's contract name
 * @param result    {@code "closed"} or {@code "open"}
 * @param nodes     proof tree nodes
 * @param seconds   wall time of the automatic proof search
 * @param openGoals goals left open (0 iff closed)
 * @param how       {@code "searched"} (KeY's automatic mode), {@code "replayed"} (a saved proof re-checked rule by
 *                  rule, {@link SavedProofs}), or "searched (saved proof ... did not close: why)"
 */
public record ProofResult(String className, String method, String contract, String result,
                          int nodes, double seconds, int openGoals, String how) {

    public static final String CLOSED = "closed";
    public static final String OPEN = "open";
    public static final String SEARCHED = "searched";
    public static final String REPLAYED = "replayed";

    /** A result of KeY's automatic search. */
    public ProofResult(String className, String method, String contract, String result, int nodes, double seconds,
                       int openGoals) {
        this(className, method, contract, result, nodes, seconds, openGoals, SEARCHED);
    }

    public boolean replayed() {
        return REPLAYED.equals(how);
    }

    public boolean closed() {
        return CLOSED.equals(result);
    }

    /** {@code U64.add}: simple class name and method, as in progress lines. */
    public String shortName() {
        return className.substring(className.lastIndexOf('.') + 1) + "." + method;
    }

    /** The specification case within the method, e.g. {@code normal_behavior.1} from KeY's contract name. */
    public String caseName() {
        return contract.substring(contract.lastIndexOf(']') + 1).replace(".JML ", "")
                .replace(" operation contract", "");
    }
}
