package dev.tokenplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A command that calls the BMS: the connection and output format come from the top-level options. */
abstract class ApiCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        Tokenplane root = (Tokenplane) spec.root().userObject();
        return run(root.client(), root.output(spec.commandLine().getOut()));
    }

    /** Runs the command; its answer is its exit code. API errors are thrown as {@link ApiError}. */
    abstract int run(BmsClient bms, Output out) throws Exception;
}
