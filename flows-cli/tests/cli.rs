//! The command-line validator, run as the after-sales team runs it.

use std::path::Path;
use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let output = Command::new(env!("CARGO_BIN_EXE_shouhou-flows"))
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

/// The shipped property flow as the validator reads it: its version and node count.
fn property() -> shouhou_core::Flow {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    shouhou_core::Flow::parse(
        &std::fs::read_to_string(root.join("static/flows/property.json")).unwrap(),
    )
    .unwrap()
}

#[test]
fn the_shipped_flows_pass() {
    let (ok, stdout, stderr) = run(&["check"]);
    assert!(ok, "{stdout}{stderr}");
    let property = property();
    let line = format!(
        "ok      static/flows/property.json (property v{}, {} nodes)",
        property.version,
        property.nodes.len()
    );
    assert!(stdout.contains(&line), "{stdout}");
    assert!(stdout.contains("7 flow files checked, 0 with problems"), "{stdout}");
}

#[test]
fn a_broken_flow_fails_with_its_problems() {
    let (ok, stdout, stderr) = run(&[
        "check",
        "core/tests/fixtures/flows/unknown-node.json",
        "core/tests/fixtures/flows/missing-translation.json",
    ]);
    assert!(!ok);
    assert!(stdout.contains("2 flow files checked, 2 with problems"), "{stdout}");
    assert!(
        stderr.contains("core/tests/fixtures/flows/unknown-node.json: nodes[1].not_fixed: links to node \"svcc\", which does not exist"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing-translation.json: nodes[1].text.en: missing the en text"),
        "{stderr}"
    );
}

#[test]
fn the_way_out_and_the_confirmed_fix_are_checked() {
    let (ok, stdout, stderr) = run(&[
        "check",
        "core/tests/fixtures/flows/no-way-out.json",
        "core/tests/fixtures/flows/check-as-a-step.json",
    ]);
    assert!(!ok);
    assert!(stdout.contains("2 flow files checked, 2 with problems"), "{stdout}");
    assert!(
        stderr.contains("no-way-out.json: nodes[0].answers: question \"what\" needs an answer marked \"other\": true (something else / none of these)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("check-as-a-step.json: nodes[4].fixed: \"this fixed it\" must lead to a solved outcome, not to \"what2\""),
        "{stderr}"
    );
}

#[test]
fn the_emergency_way_out_and_the_public_number_are_checked() {
    let (ok, stdout, stderr) = run(&[
        "check",
        "core/tests/fixtures/flows/no-emergency-way-out.json",
        "core/tests/fixtures/flows/emergency-without-public-number.json",
    ]);
    assert!(!ok);
    assert!(stdout.contains("2 flow files checked, 2 with problems"), "{stdout}");
    assert!(
        stderr.contains("no-emergency-way-out.json: start: the first question \"what\" needs an answer that leads straight to an emergency outcome"),
        "{stderr}"
    );
    assert!(
        stderr.contains("emergency-without-public-number.json: nodes[4].services: the emergency outcome \"danger\" must name the public services that fit"),
        "{stderr}"
    );
}

#[test]
fn a_file_named_unlike_its_flow_fails() {
    let (ok, _, stderr) = run(&["check", "core/tests/fixtures/flows/valid.json"]);
    assert!(!ok);
    assert!(stderr.contains("id: \"sample\" must equal the file name \"valid\""), "{stderr}");
}

#[test]
fn a_flow_draws_as_mermaid() {
    let (ok, stdout, stderr) = run(&["diagram", "static/flows/property.json", "--lang", "en"]);
    assert!(ok, "{stderr}");
    assert!(
        stdout.starts_with(&format!(
            "---\ntitle: Property repairs: first checks (v{})\n---\nflowchart TD\n",
            property().version
        )),
        "{stdout}"
    );
    assert!(stdout.contains("n_lift_q{\"What is happening with the lift?\"}"), "{stdout}");
    assert!(
        stdout.contains("n_lift_q -->|\"Someone is trapped in the lift\"| n_emergency_lift"),
        "{stdout}"
    );
    assert!(stdout.contains("n_emergency_lift([\""), "{stdout}");
    assert!(stdout.contains("n_lift_q -.->|\"Something else\"| n_svc_lift"), "{stdout}");
    assert!(
        stdout.contains("n_light_sensor_q ==>|\"Yes, it comes on and works\"| n_solved"),
        "{stdout}"
    );
    assert!(stdout.contains("n_drain_step ==>|\"This fixed it\"| n_solved"), "{stdout}");
    assert!(stdout.contains(":::emergency"), "{stdout}");
    let (_, zh, _) = run(&["diagram", "static/flows/property.json"]);
    assert!(zh.contains("有人被困在电梯里"), "{zh}");
}
