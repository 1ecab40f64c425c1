package org.vhostcheck.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.vhostcheck.model.VhostcheckException;

/** Work items run on a few threads at once (kernel targets of one model, mutants), results in the items' order. */
public final class SideBySide {
    private SideBySide() {
    }

    /**
     * {@code run} over {@code items} on at most {@code threads} threads. An exception of an item is the caller's, as if
     * the items had run one after the other; {@code what} names the work in the message of an interruption.
     */
    public static <T, R> List<R> map(List<T> items, int threads, Function<T, R> run, String what) {
        if (threads <= 1 || items.size() <= 1) {
            return items.stream().map(run).toList();
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()));
        try {
            List<Future<R>> fs = items.stream().map(i -> pool.submit(() -> run.apply(i))).toList();
            List<R> out = new ArrayList<>();
            for (Future<R> f : fs) {
                try {
                    out.add(f.get());
                } catch (ExecutionException x) {
                    if (x.getCause() instanceof RuntimeException r) {
                        throw r;   // bad input, a kernel crash: as when run one at a time
                    }
                    throw new IllegalStateException(x.getCause());
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    throw new VhostcheckException(what + ": interrupted");
                }
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
