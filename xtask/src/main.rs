//! Maintainer tasks for the extern-api workspace (`cargo xtask <task>`).
//!
//! - `import <vendor-file> --out <path>`: a vendor Swagger 2.0 / OpenAPI 3.0 document → our OpenAPI 3.0.3 form.
//! - `codegen [--spec <path>] [--check]`: the description → `crates/extern-api-raw/src/generated.rs`.
//! - `fetch --url <url> --out <path>`: download a vendor document (needs network access to the vendor).
//! - `bench [--quick]`: release builds measured against their baselines, printed as a table.
//! - `soak [--reports N] [--fault-rate P] [--seed S] [--restarts K]`: reports filed under faults,
//!   none lost, none filed twice, across killed and restarted processes.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};

mod bench;
mod bench_gost;
mod codegen;
mod encoding;
mod fetch;
mod fixups;
mod import;
mod soak;
mod swagger2;

const USAGE: &str = "usage:
  cargo xtask import <vendor-file> --out <path>
  cargo xtask codegen [--spec <path>] [--out <path>] [--check]
  cargo xtask fetch --url <url> --out <path>
  cargo xtask bench [--quick]
  cargo xtask soak [--reports N] [--fault-rate P] [--seed S] [--restarts K]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let Some((task, rest)) = args.split_first() else {
        bail!("no task given\n{USAGE}");
    };
    let mut flags = Flags::parse(rest)?;
    match task.as_str() {
        "import" => {
            let input = flags.positional()?;
            let out = flags.required("--out")?;
            flags.done()?;
            import::run(&input, &out)
        }
        "codegen" => {
            let root = workspace_root();
            let args = codegen::CodegenArgs {
                spec: flags
                    .take("--spec")
                    .unwrap_or_else(|| root.join(codegen::DEFAULT_SPEC)),
                out: flags
                    .take("--out")
                    .unwrap_or_else(|| root.join(codegen::GENERATED_RS)),
                check: flags.switch("--check"),
            };
            flags.done()?;
            codegen::run(&args)
        }
        "fetch" => {
            let url = flags.required_str("--url")?;
            let out = flags.required("--out")?;
            flags.done()?;
            fetch::run(&url, &out)
        }
        "bench" => {
            let quick = flags.switch("--quick");
            flags.done()?;
            bench::run(&workspace_root(), quick)
        }
        "soak" => {
            let number = |flags: &mut Flags, name: &str, default: &str| -> Result<String> {
                Ok(flags.take_str(name).unwrap_or_else(|| default.to_string()))
            };
            let args = soak::SoakArgs {
                reports: number(&mut flags, "--reports", "500")?.parse()?,
                fault_rate: number(&mut flags, "--fault-rate", "0.1")?.parse()?,
                seed: number(&mut flags, "--seed", "1")?.parse()?,
                restarts: number(&mut flags, "--restarts", "0")?.parse()?,
            };
            flags.done()?;
            soak::run(&workspace_root(), &args)
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(())
        }
        other => bail!("unknown task `{other}`\n{USAGE}"),
    }
}

/// The workspace root: the xtask crate's parent directory.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// A tiny flag parser: `--name value`, `--switch`, and positional arguments.
struct Flags {
    named: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

impl Flags {
    const SWITCHES: &'static [&'static str] = &["--check", "--quick"];

    fn parse(args: &[String]) -> Result<Self> {
        let mut named = Vec::new();
        let mut positional = Vec::new();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if let Some((name, value)) = arg.split_once('=').filter(|_| arg.starts_with("--")) {
                named.push((name.to_string(), Some(value.to_string())));
            } else if Self::SWITCHES.contains(&arg.as_str()) {
                named.push((arg.clone(), None));
            } else if arg.starts_with("--") {
                let Some(value) = it.next() else {
                    bail!("{arg} needs a value\n{USAGE}");
                };
                named.push((arg.clone(), Some(value.clone())));
            } else {
                positional.push(arg.clone());
            }
        }
        Ok(Self { named, positional })
    }

    fn take_str(&mut self, name: &str) -> Option<String> {
        let i = self
            .named
            .iter()
            .position(|(n, v)| n == name && v.is_some())?;
        self.named.remove(i).1
    }

    fn take(&mut self, name: &str) -> Option<PathBuf> {
        self.take_str(name).map(PathBuf::from)
    }

    fn required_str(&mut self, name: &str) -> Result<String> {
        match self.take_str(name) {
            Some(v) => Ok(v),
            None => bail!("{name} is required\n{USAGE}"),
        }
    }

    fn required(&mut self, name: &str) -> Result<PathBuf> {
        self.required_str(name).map(PathBuf::from)
    }

    fn switch(&mut self, name: &str) -> bool {
        let before = self.named.len();
        self.named.retain(|(n, v)| !(n == name && v.is_none()));
        self.named.len() != before
    }

    fn positional(&mut self) -> Result<PathBuf> {
        if self.positional.is_empty() {
            bail!("an input file is required\n{USAGE}");
        }
        Ok(PathBuf::from(self.positional.remove(0)))
    }

    fn done(self) -> Result<()> {
        if let Some((name, _)) = self.named.first() {
            bail!("unexpected flag {name}\n{USAGE}");
        }
        if let Some(arg) = self.positional.first() {
            bail!("unexpected argument {arg}\n{USAGE}");
        }
        Ok(())
    }
}
