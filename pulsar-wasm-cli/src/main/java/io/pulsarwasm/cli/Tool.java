package io.pulsarwasm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A program a language's build or tests need, where Debian puts it, and the package that provides it.
 *
 * @param name the program, as found on {@code PATH}, or an absolute path
 * @param install what to run to install it
 */
record Tool(String name, String install) {

    static final Tool CARGO = new Tool(
            "/usr/bin/cargo",
            "apt-get install rustc cargo libstd-rust-dev-wasm32 (Debian's Rust, with the wasm target offline)");
    static final Tool CLANG = new Tool("clang-14", "apt-get install clang-14 lld-14");
    static final Tool NODE = new Tool("node", "apt-get install nodejs npm (Node.js 20 or later)");
    static final Tool NPM = new Tool("npm", "apt-get install nodejs npm (Node.js 20 or later)");
    static final Tool GO = new Tool(
            "/usr/lib/go-1.23/bin/go",
            "apt-get install -t bookworm-backports golang-1.23-go (add bookworm-backports to apt's sources first)");

    /** @return where the program is, if installed */
    Optional<Path> find() {
        if (name.startsWith("/")) {
            Path path = Path.of(name);
            return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    /**
     * Fails unless every tool is installed.
     *
     * @param tools the tools
     * @param forWhat what needs them, e.g. "a Rust build"
     * @throws CliException with the package to install
     */
    static void require(List<Tool> tools, String forWhat) {
        for (Tool tool : tools) {
            if (tool.find().isEmpty()) {
                throw CliException.toolchain(
                        forWhat + " needs " + tool.name + ", which is not installed: " + tool.install);
            }
        }
    }
}
