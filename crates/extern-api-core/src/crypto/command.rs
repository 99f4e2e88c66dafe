//! An external program that signs or decrypts: the content goes in a file (`{input}`), the
//! program writes its result to another (`{output}`), both in a private temporary folder removed
//! afterwards.

use std::path::{Path, PathBuf};

use crate::Error;

/// A program, its arguments (with `{input}` and `{output}` to be replaced) and environment.
#[derive(Clone)]
pub(crate) struct Command {
    pub program: PathBuf,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

/// The environment's values stay out of `Debug`: one may hold a PIN.
impl std::fmt::Debug for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Command")
            .field("program", &self.program)
            .field("args", &self.args)
            .field("env", &self.env.iter().map(|(k, _)| k).collect::<Vec<_>>())
            .finish()
    }
}

impl Command {
    pub fn new(program: impl Into<PathBuf>, args: Vec<String>) -> Self {
        Self {
            program: program.into(),
            args,
            env: Vec::new(),
        }
    }

    /// Runs the program over `content` and answers what it wrote; `what` names the result in
    /// errors ("signature", "decrypted content").
    pub async fn run(&self, content: &[u8], what: &str) -> Result<Vec<u8>, Error> {
        let dir = std::env::temp_dir().join(format!("extern-api-cmd-{}", uuid::Uuid::new_v4()));
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|e| Error::io(&dir, e))?;
        let result = self.run_in(&dir, content, what).await;
        let _ = tokio::fs::remove_dir_all(&dir).await;
        result
    }

    async fn run_in(&self, dir: &Path, content: &[u8], what: &str) -> Result<Vec<u8>, Error> {
        let (input, output) = (dir.join("input.bin"), dir.join("output.bin"));
        tokio::fs::write(&input, content)
            .await
            .map_err(|e| Error::io(&input, e))?;
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                a.replace("{input}", &input.to_string_lossy())
                    .replace("{output}", &output.to_string_lossy())
            })
            .collect();
        let program = self.program.display();
        let out = tokio::process::Command::new(&self.program)
            .args(&args)
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .await
            .map_err(|e| Error::signing_with(format!("cannot run {program}"), e))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(Error::signing(format!(
                "{program} exited with {}: {}",
                out.status,
                stderr.trim()
            )));
        }
        let result = tokio::fs::read(&output)
            .await
            .map_err(|e| Error::io(&output, e))?;
        if result.is_empty() {
            return Err(Error::signing(format!("{program} wrote an empty {what}")));
        }
        Ok(result)
    }
}

/// `openssl cms` with a certificate and a key in PEM files: the arguments before the command's own.
pub(crate) fn openssl_cms_args(
    verb: &str,
    certificate_flag: &str,
    certificate_pem: &Path,
    key_pem: &Path,
) -> Vec<String> {
    ["cms", verb, "-binary", "-in", "{input}"]
        .into_iter()
        .map(String::from)
        .chain([
            certificate_flag.to_string(),
            certificate_pem.to_string_lossy().into_owned(),
        ])
        .chain(["-inkey".to_string(), key_pem.to_string_lossy().into_owned()])
        .collect()
}
