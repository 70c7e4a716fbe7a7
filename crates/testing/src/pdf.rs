//! A PDF read back as a person would see it, by poppler's own tools
//! (Debian's `poppler-utils`, installed by `make test`): its text, its
//! document facts, and page one as a picture.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where a test's PDFs and their pictures go, under the workspace's `var/`.
fn var(sub: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../var").join(sub);
    std::fs::create_dir_all(&dir).expect("make the directory under var/");
    dir
}

fn poppler(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils, installed by `make test`): {e}"));
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("poppler writes UTF-8")
}

/// A PDF kept on disk as `var/tmp/pdf/{name}` for the tools to read.
pub struct Pdf {
    path: PathBuf,
}

impl Pdf {
    /// Writes `bytes` as `name`.
    pub fn new(bytes: &[u8], name: &str) -> Pdf {
        let path = var("tmp/pdf").join(name);
        std::fs::write(&path, bytes).expect("write the PDF");
        Pdf { path }
    }

    fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 path")
    }

    /// The text `pdftotext` finds, runs of white space made one space.
    pub fn text(&self) -> String {
        poppler("pdftotext", &["-enc", "UTF-8", self.path(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// One field of `pdfinfo` ("Pages", "Title", "Page size").
    pub fn info(&self, field: &str) -> String {
        let info = poppler("pdfinfo", &[self.path()]);
        info.lines()
            .find_map(|l| l.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')))
            .map(|v| v.trim().to_owned())
            .unwrap_or_else(|| panic!("no {field} in pdfinfo's answer:\n{info}"))
    }

    /// Page one as a PNG in `var/screenshots/{folder}/{name}.png`; its path.
    pub fn picture(&self, folder: &str, name: &str) -> PathBuf {
        let prefix = var(&format!("screenshots/{folder}")).join(name);
        let prefix_text = prefix.to_str().expect("a UTF-8 path").to_owned();
        poppler("pdftoppm", &["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", self.path(), &prefix_text]);
        prefix.with_extension("png")
    }
}
