//! A folder of broken definitions, each with the exact diagnostics it must produce
//! (`tests/fixtures/broken/<case>/expected.txt`, paths relative to the case's folder).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{bin, workspace_root, Backend, Options, TestApp};
use std::path::PathBuf;
use std::process::Command;

fn cases() -> Vec<(String, PathBuf)> {
    let dir = workspace_root().join("crates/rathaus/tests/fixtures/broken");
    let mut cases: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .collect();
    cases.sort();
    cases
}

fn expected(case: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(case.join("expected.txt"))
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Diagnostics printed by a command, with the case folder prefix removed.
fn diagnostics(stderr: &[u8], case: &std::path::Path) -> Vec<String> {
    let prefix = format!("{}/", case.join("definitions").display());
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(|l| l.replacen(&prefix, "", 1))
        .collect()
}

#[test]
fn check_reports_each_case_exactly() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the full catalogue of broken cases"
    );
    let mut failures = Vec::new();
    for (name, case) in &cases {
        let out = Command::new(bin())
            .arg("check")
            .arg(case.join("definitions"))
            .output()
            .unwrap();
        let got = diagnostics(&out.stderr, case);
        let want = expected(case);
        if out.status.code() != Some(1) || got != want {
            failures.push(format!(
                "{name}: exit {:?}\n  want {want:#?}\n  got  {got:#?}",
                out.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_accepts_valid_sets() {
    for dir in [
        workspace_root().join("demo/definitions"),
        workspace_root().join("crates/rathaus/tests/fixtures/minimal"),
    ] {
        let out = Command::new(bin()).arg("check").arg(&dir).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("OK"));
    }
    // Without an argument, the built-in demo is checked.
    let out = Command::new(bin())
        .arg("check")
        .env_remove("RATHAUS_DEFINITIONS")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("4 tenants, 20 services"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn check_of_a_missing_folder_fails() {
    let out = Command::new(bin())
        .args(["check", "/nonexistent/rathaus-defs"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

both_backends! {
    async fn serve_refuses_to_start_on_broken_definitions(b: Backend) {
        let case = workspace_root().join("crates/rathaus/tests/fixtures/broken/wrong-types");
        let res = TestApp::try_start(Options::new(b).definitions(case.join("definitions"))).await;
        let Err((code, output)) = res else { panic!("server started on broken definitions") };
        assert_eq!(code, Some(1));
        let got = diagnostics(output.as_bytes(), &case);
        assert_eq!(got, expected(&case));
        assert!(output.contains("refusing to start: 3 problem(s)"), "{output}");
    }
}
