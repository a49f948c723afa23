fn main() -> std::process::ExitCode {
    coderlite::cli::main()
}
