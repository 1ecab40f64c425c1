package org.vhostcheck.conformance.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.vhostcheck.conformance.ReplayException;

/**
 * One running kernel harness part (conformance/kernel/common/harness.c): a request is one JSON line on
 * its stdin, the answer one JSON line on its stdout. An answer {"ok":false,"error":...} (a request the
 * harness refused) is a {@link ReplayException}; the process dying (an ASan or UBSan report, a crash,
 * a kernel loop that never returns within the timeout) is a {@link KernelCrash} carrying its stderr.
 */
public final class KernelProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** No single kernel call of the models takes long; a walk that never ends is a finding, not a hang. */
    static final long TIMEOUT_MS = 20_000;

    private final Path exe;
    private final Process proc;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final Path stderr;
    private long calls;

    private KernelProcess(Path exe, Process proc, Path stderr) {
        this.exe = exe;
        this.proc = proc;
        this.stderr = stderr;
        this.in = new BufferedWriter(new OutputStreamWriter(proc.getOutputStream(), StandardCharsets.UTF_8));
        this.out = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Starts the part's executable; its stderr goes to a file beside it (read back on a crash). */
    public static KernelProcess start(Path exe) {
        if (!Files.isExecutable(exe)) {
            throw new KernelCrash(exe + ": no such harness executable (build it with conformance/kernel/build.sh)");
        }
        try {
            Path err = Files.createTempFile(exe.getParent(), exe.getFileName() + ".", ".stderr");
            ProcessBuilder pb = new ProcessBuilder(exe.toString());
            pb.redirectError(err.toFile());
            // a sanitizer report ends the process with its own exit code; leaks are not what the harness checks
            pb.environment().put("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=0:exitcode=86");
            pb.environment().put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=87");
            return new KernelProcess(exe, pb.start(), err);
        } catch (IOException e) {
            throw new KernelCrash(exe + ": cannot start: " + e.getMessage());
        }
    }

    public Path exe() {
        return exe;
    }

    public long calls() {
        return calls;
    }

    /** One request, one answer. */
    public ObjectNode call(ObjectNode request) {
        String line;
        try {
            in.write(JSON.writeValueAsString(request));
            in.newLine();
            in.flush();
            line = readLine();
        } catch (IOException e) {
            throw crashed("the harness stopped reading (" + e.getMessage() + ")");
        }
        if (line == null) {
            throw crashed("the harness ended without answering " + request.path("op").asText());
        }
        calls++;
        JsonNode r;
        try {
            r = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw crashed("the harness answered a line that is not JSON: " + line);
        }
        if (!(r instanceof ObjectNode o) || !o.path("ok").isBoolean()) {
            throw crashed("the harness answered without \"ok\": " + line);
        }
        if (!o.get("ok").booleanValue()) {
            throw new ReplayException("kernel harness " + exe.getFileName() + " refused "
                    + request.path("op").asText() + ": " + o.path("error").asText());
        }
        return o;
    }

    /** Ends a harness that does not answer in time; a blocking read then wakes at once on the answer. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kernel-harness-watchdog");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean timedOut;

    private String readLine() throws IOException {
        timedOut = false;
        ScheduledFuture<?> watch = WATCHDOG.schedule(() -> {
            timedOut = true;
            proc.destroyForcibly();
        }, TIMEOUT_MS, TimeUnit.MILLISECONDS);
        try {
            String line = out.readLine();
            if (timedOut) {
                throw crashed("no answer within " + TIMEOUT_MS / 1000 + " s (a kernel loop that does not end?)");
            }
            return line;
        } catch (IOException e) {
            if (timedOut) {
                throw crashed("no answer within " + TIMEOUT_MS / 1000 + " s (a kernel loop that does not end?)");
            }
            throw e;
        } finally {
            watch.cancel(false);
        }
    }

    private KernelCrash crashed(String what) {
        String tail = "";
        try {
            proc.waitFor(2, TimeUnit.SECONDS);
            String err = Files.readString(stderr, StandardCharsets.UTF_8);
            tail = err.length() > 4000 ? err.substring(0, 4000) + "\n..." : err;
        } catch (IOException | InterruptedException e) {
            tail = "(stderr unreadable: " + e.getMessage() + ")";
        }
        String code = proc.isAlive() ? "" : " (exit code " + proc.exitValue() + ")";
        return new KernelCrash(exe.getFileName() + ": " + what + code + (tail.isBlank() ? "" : "\n" + tail.strip()));
    }

    @Override
    public void close() {
        try {
            in.close();
            proc.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // closing: nothing left to report
        } finally {
            proc.destroyForcibly();
            try {
                Files.deleteIfExists(stderr);
            } catch (IOException e) {
                // a stale stderr file in target/ is harmless
            }
        }
    }
}
