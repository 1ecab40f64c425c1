package org.vhostcheck.key;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One entry of {@code jml-verified/proofs.json}: what KeY must conclude for one method.
 *
 * <p>KeY turns every JML specification case of a method into a contract of its own ({@code also}
 * gives several). An entry therefore covers all contracts of a method: {@code cases} is how many
 * KeY must find, {@code "closed"} means every one of them closes, {@code "open"} (broken twins
 * only) means at least one stays open; a method is proven only if all its cases are.
 *
 * @param className FQN of the class
 * @param method    method name as KeY reports it (a constructor is named like its class)
 * @param cases     number of KeY contracts (JML specification cases) of the method
 * @param expected  {@code "closed"} or {@code "open"}
 * @param twinOf    for an expected-open broken twin: {@code class.method} of the proven original
 * @param why       one line: what the proof shows, or which guard the twin lacks
 * @param maxSteps  KeY's rule-application budget for the method's cases instead of the pinned default;
 *                  for a broken twin {@link Expectations#check} requires it to be at least the node count
 *                  of every closed proof of the original (the twin gets what the original needed), so an
 *                  open twin is not an artefact of a short budget
 * @param strategy  for an expected-closed method: strategy properties that replace pinned ones for its
 *                  cases (e.g. {@code QUERY_NEW_OPTIONS_KEY: QUERY_OFF}); its broken twins get the same
 * @param shard     for an expected-closed method: which of the build's two KeY JVMs proves it, 0 (the
 *                  default, which also takes every method proofs.json does not list) or 1; its broken twins
 *                  go with it, so a twin's budget is checked against its original's proof
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Expectation(@JsonProperty("class") String className, String method, Integer cases,
                          String expected, String twinOf, String why, Integer maxSteps,
                          Map<String, String> strategy, Integer shard) {

    public Expectation(String className, String method, Integer cases, String expected, String twinOf, String why) {
        this(className, method, cases, expected, twinOf, why, null, null, null);
    }

    public Expectation(String className, String method, Integer cases, String expected, String twinOf, String why,
                       Integer maxSteps) {
        this(className, method, cases, expected, twinOf, why, maxSteps, null, null);
    }

    public Expectation(String className, String method, Integer cases, String expected, String twinOf, String why,
                       Integer maxSteps, Map<String, String> strategy) {
        this(className, method, cases, expected, twinOf, why, maxSteps, strategy, null);
    }

    /** {@code class.method}, the key of an entry. */
    public String key() {
        return className + "." + method;
    }
}
