package org.vhostcheck.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TLC's {@code -tool} output: messages framed as
 * {@code @!@!@STARTMSG code:level @!@!@ ... @!@!@ENDMSG code @!@!@} (they may nest), and
 * plain lines between them (SANY's parse errors, for one). Fed line by line while TLC runs.
 */
public final class ToolOutput {
    /** TLC message codes we act on (tlc2.output.EC / MP). */
    public static final int INVARIANT_VIOLATED_INITIAL = 2107;
    public static final int INVARIANT_VIOLATED = 2110;
    public static final int DEADLOCK = 2114;
    public static final int STATE = 2217;
    public static final int SUCCESS = 2193;
    public static final int STATS = 2199;
    public static final int PROGRESS = 2200;
    public static final int SIMULATION_PROGRESS = 2209;
    public static final int PARSE_FAILED = 3002;

    /** One framed message. */
    public record Message(int code, int level, String text) {
    }

    // TLC's codes and levels are small; at most 9 digits, so they always fit an int (a longer one is plain text)
    private static final Pattern START = Pattern.compile("^@!@!@STARTMSG (\\d{1,9}):(\\d{1,9}) @!@!@$");
    private static final Pattern END = Pattern.compile("^@!@!@ENDMSG (\\d{1,9}) @!@!@$");
    /** Open messages kept at most: deeper nesting is not TLC's, and must not grow without bound. */
    static final int MAX_DEPTH = 64;
    /** Characters kept per message text and plain lines kept: TLC's are far smaller. */
    static final int MAX_TEXT = 1 << 20;
    static final int MAX_PLAIN = 10_000;

    private final List<Message> messages = new ArrayList<>();
    private final List<String> plain = new ArrayList<>();
    private final Deque<int[]> open = new ArrayDeque<>();
    private final Deque<StringBuilder> texts = new ArrayDeque<>();
    private final Consumer<Message> onMessage;

    public ToolOutput(Consumer<Message> onMessage) {
        this.onMessage = onMessage;
    }

    public void line(String line) {
        Matcher m = START.matcher(line);
        if (m.matches() && open.size() < MAX_DEPTH) {
            open.push(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
            texts.push(new StringBuilder());
            return;
        }
        if (END.matcher(line).matches() && !open.isEmpty()) {
            int[] h = open.pop();
            String t = texts.pop().toString();
            Message msg = new Message(h[0], h[1], t.endsWith("\n") ? t.substring(0, t.length() - 1) : t);
            messages.add(msg);
            if (onMessage != null) {
                onMessage.accept(msg);
            }
            return;
        }
        if (open.isEmpty()) {
            if (plain.size() < MAX_PLAIN) { // plain text is diagnostics only; never let it grow unbounded
                plain.add(line);
            }
        } else if (texts.peek().length() < MAX_TEXT) {
            texts.peek().append(line).append('\n');
        }
    }

    public List<Message> messages() {
        return messages;
    }

    public List<String> plain() {
        return plain;
    }

    public List<Message> withCode(int code) {
        return messages.stream().filter(m -> m.code() == code).toList();
    }
}
