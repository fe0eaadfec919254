package lodestar.beacon.command.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Turns the configured {@code command}, {@code shell} and {@code ssh_host} into the argv that is
 * executed, and derives the check's default name. Pure functions, validated with messages that start
 * with the property name.
 */
final class CommandLine {

    /** Characters a remote shell takes literally, so such an argument needs no quotes. */
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./=:,+@%-]+");

    /** A host name, IPv4/IPv6 address or ssh_config alias, optionally user@; never an option. */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_.@:\\[\\]-]+");

    private CommandLine() {
    }

    /**
     * The argv to execute.
     *
     * <ul>
     * <li>{@code shell=false}: {@code command} as is. A single element is split at blanks, because a
     * FileInstall {@code .cfg} file can only give one string ({@code command=/usr/lib/nagios/plugins/check_load -w 5 -c 10});
     * an argument containing a blank needs the typed {@code .config} format or {@code shell=true}.</li>
     * <li>{@code shell=true}: {@code /bin/sh -c <command[0]>}; further elements become {@code $1, $2, ...}.</li>
     * <li>{@code sshHost} set: {@code ssh -o BatchMode=yes <host> -- <the above>}. ssh hands the remote
     * side one string that the remote user's shell parses, so each argument is single-quoted where needed
     * to arrive as the same argv; with {@code shell=true} the command string is passed unquoted for the
     * remote shell to interpret, and {@code /bin/sh -c} is not added (the remote shell is the shell).</li>
     * </ul>
     *
     * @throws IllegalArgumentException {@code command: ...} or {@code ssh_host: ...}
     */
    static List<String> argv(String[] command, boolean shell, String sshHost) {
        List<String> cmd = command(command, shell);
        String host = sshHost == null ? "" : sshHost.trim();
        if (host.isEmpty()) {
            if (!shell) {
                return cmd;
            }
            List<String> sh = new ArrayList<>(List.of("/bin/sh", "-c", cmd.get(0)));
            if (cmd.size() > 1) {
                sh.add("sh"); // $0
                sh.addAll(cmd.subList(1, cmd.size()));
            }
            return List.copyOf(sh);
        }
        if (!HOST.matcher(host).matches() || host.startsWith("-")) {
            throw new IllegalArgumentException("ssh_host: expected a host name, address or ssh alias (optionally user@),"
                    + " got '" + sshHost + "'");
        }
        List<String> ssh = new ArrayList<>(List.of("ssh", "-o", "BatchMode=yes", host, "--"));
        if (shell) {
            ssh.add(cmd.get(0));
            cmd.subList(1, cmd.size()).forEach(a -> ssh.add(quote(a)));
        } else {
            cmd.forEach(a -> ssh.add(quote(a)));
        }
        return List.copyOf(ssh);
    }

    /** The command's elements, validated; one element without shell is split at blanks. */
    static List<String> command(String[] command, boolean shell) {
        if (command == null || command.length == 0 || command[0] == null || command[0].isBlank()) {
            throw new IllegalArgumentException("command: must not be empty");
        }
        for (int i = 0; i < command.length; i++) {
            if (command[i] == null) {
                throw new IllegalArgumentException("command: element " + (i + 1) + " is missing");
            }
        }
        if (!shell && command.length == 1) {
            return List.of(command[0].trim().split("\\s+"));
        }
        return List.copyOf(Arrays.asList(command));
    }

    /** One argument quoted for a POSIX shell, unchanged when it has nothing a shell would interpret. */
    static String quote(String arg) {
        if (PLAIN.matcher(arg).matches()) {
            return arg;
        }
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /**
     * The check name when none is configured: the program's file name ({@code /usr/lib/nagios/plugins/check_disk}
     * -> {@code check_disk}; with {@code shell=true} the first word of the command), plus {@code -<host>} when it
     * runs over ssh, made safe as one metric path component.
     */
    static String defaultName(List<String> command, boolean shell, String sshHost) {
        String program = command.get(0).trim();
        if (shell) {
            program = program.split("\\s+")[0];
        }
        program = program.substring(program.lastIndexOf('/') + 1);
        String name = component(program);
        if (sshHost != null && !sshHost.isBlank()) {
            String host = sshHost.trim();
            name = name + "-" + component(host.substring(host.indexOf('@') + 1));
        }
        return name;
    }

    /** Characters outside {@code [A-Za-z0-9_-]} become {@code _}, so the name adds exactly one path component. */
    static String component(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_') ? c : '_');
        }
        return b.length() == 0 ? "command" : b.toString();
    }
}
