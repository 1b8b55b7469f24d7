//! Flows: the validator on one broken fixture per kind of problem, the engine, and random
//! walks on every shipped flow.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use shouhou_core::draft::GuideEvent;
use shouhou_core::flow::engine::{EngineError, FlowProgress};
use shouhou_core::flow::{Flow, FlowProblem, Node, OutcomeKind, ProblemKind};
use shouhou_core::{AppConfig, Draft, DraftEvent, Field, Step};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/flows")
        .join(format!("{name}.json"));
    std::fs::read_to_string(path).unwrap()
}

fn problems(name: &str) -> Vec<(String, ProblemKind)> {
    Flow::parse(&fixture(name)).unwrap_err().into_iter().map(|p| (p.path, p.kind)).collect()
}

fn shipped_flows() -> Vec<(PathBuf, Flow)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/flows");
    let mut flows: Vec<(PathBuf, Flow)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let flow = Flow::parse(&text).unwrap_or_else(|problems| {
                let list: Vec<String> = problems.iter().map(FlowProblem::to_string).collect();
                panic!("{} is invalid:\n{}", path.display(), list.join("\n"))
            });
            (path, flow)
        })
        .collect();
    flows.sort_by(|a, b| a.0.cmp(&b.0));
    flows
}

#[test]
fn the_valid_fixture_has_no_problems() {
    assert!(Flow::parse(&fixture("valid")).is_ok());
}

#[test]
fn each_broken_fixture_reports_exactly_its_problem() {
    let table: Vec<(&str, Vec<(&str, ProblemKind)>)> = vec![
        ("unknown-node", vec![("nodes[1].not_fixed", ProblemKind::UnknownNode("svcc".into()))]),
        ("unreachable", vec![("nodes[4]", ProblemKind::Unreachable("orphan".into()))]),
        (
            "cycle-without-exit",
            vec![
                ("nodes[4]", ProblemKind::NoPathToOutcome("loop1".into())),
                ("nodes[5]", ProblemKind::NoPathToOutcome("loop2".into())),
            ],
        ),
        ("leaf-not-outcome", vec![("nodes[4]", ProblemKind::LeafNotOutcome("dead_end".into()))]),
        ("missing-translation", vec![("nodes[1].text.en", ProblemKind::MissingTranslation("en"))]),
        ("duplicate-id", vec![("nodes[4].id", ProblemKind::DuplicateId("solved".into()))]),
        (
            "unknown-request-field",
            vec![(
                "nodes[0].answers[1].set.colour",
                ProblemKind::UnknownRequestField("colour".into()),
            )],
        ),
        ("no-way-out", vec![("nodes[0].answers", ProblemKind::NoWayOut("what".into()))]),
        (
            "other-to-a-step",
            vec![("nodes[0].answers[1].next", ProblemKind::OtherGoesNowhereUseful("b".into()))],
        ),
        (
            "solved-by-an-answer",
            vec![(
                "nodes[0].answers[1].next",
                ProblemKind::SolvedWithoutConfirmation("solved".into()),
            )],
        ),
        (
            "confirmed-fix-not-solved",
            vec![("nodes[0].answers[1].next", ProblemKind::FixLeadsElsewhere("svc".into()))],
        ),
        (
            "check-as-a-step",
            vec![("nodes[4].fixed", ProblemKind::FixLeadsElsewhere("what2".into()))],
        ),
        ("step-without-not-fixed", vec![("nodes[1]", ProblemKind::StepNotAFix("check".into()))]),
        (
            "emergency-not-at-once",
            vec![("nodes[0].answers[1].next", ProblemKind::EmergencyNotAtOnce("check".into()))],
        ),
        (
            "overridden-suggestion",
            vec![(
                "nodes[0].answers[1].set.category",
                ProblemKind::OverriddenSuggestion {
                    field: "category".into(),
                    outcome: "svc".into(),
                },
            )],
        ),
        (
            "on-site-without-resolution",
            vec![("nodes[3].resolution", ProblemKind::OnSiteWithoutResolution("svc".into()))],
        ),
        ("invalid-id", vec![("nodes[0].answers[0].id", ProblemKind::InvalidId("A a".into()))]),
        (
            "too-few-answers",
            vec![("nodes[4].answers", ProblemKind::TooFewAnswers("narrow".into()))],
        ),
        (
            "invalid-field-value",
            vec![(
                "nodes[3].priority",
                ProblemKind::InvalidFieldValue {
                    field: "priority".into(),
                    value: "whenever".into(),
                },
            )],
        ),
        (
            "missing-suggestion",
            vec![("nodes[3].priority", ProblemKind::MissingSuggestion("priority"))],
        ),
        ("image-without-alt", vec![("nodes[1].image", ProblemKind::ImageWithoutAlt)]),
        ("no-emergency-way-out", vec![("start", ProblemKind::NoEmergencyWayOut("what".into()))]),
        (
            "emergency-without-public-number",
            vec![("nodes[4].services", ProblemKind::EmergencyWithoutPublicNumber("danger".into()))],
        ),
    ];
    // Every broken fixture in the folder is in the table: one per kind of problem.
    let mut on_disk: Vec<String> = std::fs::read_dir(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flows"),
    )
    .unwrap()
    .map(|entry| entry.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
    .filter(|name| !matches!(name.as_str(), "valid" | "malformed"))
    .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(name, _)| name.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    for (name, expected) in table {
        let expected: Vec<(String, ProblemKind)> =
            expected.into_iter().map(|(p, k)| (p.to_string(), k)).collect();
        for (_, kind) in &expected {
            assert!(refused_by(kind).contains(&name), "{kind:?} in {name}");
        }
        assert_eq!(problems(name), expected, "{name}");
    }
}

/// The fixtures that show a rule refusing a flow. Exhaustive: a new rule does not compile
/// until it names its fixture.
fn refused_by(kind: &ProblemKind) -> &'static [&'static str] {
    match kind {
        ProblemKind::Malformed(_) => &["malformed"],
        ProblemKind::DuplicateId(_) => &["duplicate-id"],
        ProblemKind::InvalidId(_) => &["invalid-id"],
        ProblemKind::UnknownNode(_) => &["unknown-node"],
        ProblemKind::Unreachable(_) => &["unreachable"],
        ProblemKind::NoPathToOutcome(_) => &["cycle-without-exit"],
        ProblemKind::LeafNotOutcome(_) => &["leaf-not-outcome"],
        ProblemKind::TooFewAnswers(_) => &["too-few-answers"],
        ProblemKind::MissingTranslation(_) => &["missing-translation"],
        ProblemKind::UnknownRequestField(_) => &["unknown-request-field"],
        ProblemKind::InvalidFieldValue { .. } => &["invalid-field-value"],
        ProblemKind::MissingSuggestion(_) => &["missing-suggestion"],
        ProblemKind::ImageWithoutAlt => &["image-without-alt"],
        ProblemKind::NoWayOut(_) => &["no-way-out"],
        ProblemKind::OtherGoesNowhereUseful(_) => &["other-to-a-step"],
        ProblemKind::SolvedWithoutConfirmation(_) => &["solved-by-an-answer"],
        ProblemKind::FixLeadsElsewhere(_) => &["confirmed-fix-not-solved", "check-as-a-step"],
        ProblemKind::StepNotAFix(_) => &["step-without-not-fixed"],
        ProblemKind::EmergencyNotAtOnce(_) => &["emergency-not-at-once"],
        ProblemKind::NoEmergencyWayOut(_) => &["no-emergency-way-out"],
        ProblemKind::EmergencyWithoutPublicNumber(_) => &["emergency-without-public-number"],
        ProblemKind::OnSiteWithoutResolution(_) => &["on-site-without-resolution"],
        ProblemKind::OverriddenSuggestion { .. } => &["overridden-suggestion"],
    }
}

#[test]
fn a_malformed_file_says_where() {
    let found = problems("malformed");
    assert_eq!(found.len(), 1);
    assert!(found[0].0.starts_with("line "), "{found:?}");
    assert!(matches!(found[0].1, ProblemKind::Malformed(_)));
}

#[test]
fn a_field_of_another_node_kind_is_named() {
    let text = fixture("valid")
        .replace("\"kind\": \"step\",", "\"kind\": \"step\", \"outcome\": \"solved\",");
    let found = Flow::parse(&text).unwrap_err();
    assert!(
        matches!(&found[0].kind, ProblemKind::Malformed(why) if why.contains("node \"check\": a Step node has no field \"outcome\"")),
        "{found:?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = fixture("valid")
        .replace("\"next\": \"check\"", "\"next\": \"nowhere\"")
        .replace("\"en\": \"Visit\"", "\"fr\": \"Visite\"");
    let kinds: Vec<ProblemKind> =
        Flow::parse(&text).unwrap_err().into_iter().map(|p| p.kind).collect();
    assert!(kinds.contains(&ProblemKind::UnknownNode("nowhere".into())), "{kinds:?}");
    assert!(kinds.contains(&ProblemKind::Unreachable("check".into())), "{kinds:?}");
    assert!(kinds.contains(&ProblemKind::MissingTranslation("en")), "{kinds:?}");
}

#[test]
fn an_answer_names_a_resolution_and_an_older_on_site_outcome_implies_a_visit() {
    let edited = |edit: &dyn Fn(&mut serde_json::Value)| {
        let mut json: serde_json::Value = serde_json::from_str(&fixture("valid")).unwrap();
        edit(&mut json);
        Flow::parse(&json.to_string())
    };
    let walk_b = |flow: &Flow| {
        let mut progress = FlowProgress::start(flow);
        progress.answer(flow, "b", 1).unwrap();
        progress.suggestions(flow).resolution
    };

    let flow = edited(&|json| {
        json["nodes"][0]["answers"][1]["set"]["resolution"] = "reship".into();
        json["nodes"][3]["on_site"] = false.into();
        json["nodes"][3].as_object_mut().unwrap().remove("resolution");
    })
    .unwrap();
    assert_eq!(walk_b(&flow).as_deref(), Some("reship"));

    // An answer that says an engineer must come, and an outcome that names no resolution.
    let older = edited(&|json| {
        json["nodes"][0]["answers"][1]["set"]["on_site"] = "true".into();
        let svc = json["nodes"][3].as_object_mut().unwrap();
        svc.remove("resolution");
        svc.remove("on_site");
    });
    assert_eq!(walk_b(&older.unwrap()).as_deref(), Some("onsite_visit"));

    let refused = edited(&|json| json["nodes"][3]["resolution"] = "free_money".into());
    let found: Vec<ProblemKind> = refused.unwrap_err().into_iter().map(|p| p.kind).collect();
    assert_eq!(
        found,
        [ProblemKind::InvalidFieldValue { field: "resolution".into(), value: "free_money".into() }]
    );
}

#[test]
fn the_readme_worked_example_is_a_valid_flow() {
    let readme = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../static/flows/README.md"),
    )
    .unwrap();
    let example = readme
        .split("```json\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains("\"nodes\"") && block.contains("\"kind\""))
        .expect("the README has a worked example");
    let flow = Flow::parse(example).unwrap_or_else(|problems| panic!("{problems:?}"));
    assert_eq!(flow.nodes.len(), 6);
}

#[test]
fn a_flow_cannot_start_solved() {
    let text = fixture("valid").replace("\"start\": \"what\"", "\"start\": \"solved\"");
    let found = Flow::parse(&text).unwrap_err();
    assert_eq!(
        (found[0].path.as_str(), &found[0].kind),
        ("start", &ProblemKind::SolvedWithoutConfirmation("solved".into()))
    );
}

#[test]
fn problems_read_as_sentences() {
    let problem = FlowProblem {
        path: "nodes[1].not_fixed".into(),
        kind: ProblemKind::UnknownNode("svcc".into()),
    };
    assert_eq!(
        problem.to_string(),
        "nodes[1].not_fixed: links to node \"svcc\", which does not exist"
    );
}

#[test]
fn the_engine_answers_goes_back_and_restarts() {
    let flow = Flow::parse(&fixture("valid")).unwrap();
    let mut progress = FlowProgress::start(&flow);
    assert_eq!(progress.current, "what");
    assert_eq!(
        progress.answer(&flow, "nonsense", 1),
        Err(EngineError::UnknownAnswer("nonsense".into()))
    );
    progress.answer(&flow, "a", 10).unwrap();
    progress.answer(&flow, "not_fixed", 20).unwrap();
    assert_eq!(progress.current, "svc");
    assert_eq!(progress.outcome(&flow).unwrap().outcome, OutcomeKind::NeedsService);
    assert_eq!(progress.answer(&flow, "fixed", 30), Err(EngineError::Finished));
    let transcript: Vec<(&str, &str, u64)> =
        progress.transcript.iter().map(|e| (e.node.as_str(), e.answer.as_str(), e.at_ms)).collect();
    assert_eq!(transcript, [("what", "a", 10), ("check", "not_fixed", 20)]);
    let suggestions = progress.suggestions(&flow);
    assert_eq!(
        (suggestions.category.as_deref(), suggestions.priority.as_deref(), suggestions.on_site),
        (Some("quality"), Some("high"), Some(true))
    );
    assert_eq!(suggestions.resolution.as_deref(), Some("onsite_visit"), "the form's resolution");

    assert!(progress.back());
    assert_eq!((progress.current.as_str(), progress.transcript.len()), ("check", 1));
    assert!(progress.fits(&flow));
    progress.restart(&flow);
    assert_eq!(progress, FlowProgress::start(&flow));
    assert!(!progress.back());
}

#[test]
fn stored_progress_from_another_version_or_tampered_does_not_fit() {
    let flow = Flow::parse(&fixture("valid")).unwrap();
    let mut progress = FlowProgress::start(&flow);
    progress.answer(&flow, "a", 1).unwrap();
    let mut newer = flow.clone();
    newer.version = 2;
    assert!(!progress.fits(&newer));
    let mut tampered = progress.clone();
    tampered.current = "svc".into();
    assert!(!tampered.fits(&flow));
}

fn config() -> AppConfig {
    AppConfig::from_json(include_str!("../../static/config.json")).unwrap()
}

#[test]
fn a_draft_walks_a_flow_into_a_prefilled_form() {
    let (_, flow) = shipped_flows().into_iter().find(|(_, f)| f.id == "inverter").unwrap();
    let mut draft = Draft::new("d".into(), "k".into(), 0);
    for (field, value) in [(Field::Intent, "repair"), (Field::ProductLine, "inverter")] {
        draft.apply(DraftEvent::Edit { field, value: value.into() }, &config(), 1).unwrap();
    }
    draft.apply(DraftEvent::Continue { guided_help: true }, &config(), 2).unwrap();
    assert_eq!((draft.step, draft.flow.is_none()), (Step::Guide, true), "the offer comes first");
    draft.guide(GuideEvent::Start, &flow, 3).unwrap();
    // Overcurrent while accelerating, the load turns freely, a longer ramp does not help, and
    // the motor insulation is fine: the drive itself needs repairing on site.
    for answer in ["oc", "accel", "free", "not_fixed", "ok"] {
        draft.guide(GuideEvent::Answer(answer.into()), &flow, 4).unwrap();
    }
    let progress = draft.flow.clone().unwrap();
    assert_eq!(progress.suggestions(&flow).resolution.as_deref(), Some("onsite_visit"));
    draft.guide(GuideEvent::ToForm, &flow, 5).unwrap();
    assert_eq!(draft.step, Step::Contact);
    assert_eq!(
        (
            draft.fields.category.as_str(),
            draft.fields.priority.as_str(),
            draft.fields.resolution.as_str()
        ),
        ("quality", "high", "onsite_visit"),
        "what the checks found carries into the form, the on-site visit with it"
    );
    let troubleshooting = draft.fields.troubleshooting.clone().unwrap();
    assert_eq!((troubleshooting.outcome.as_str(), troubleshooting.steps.len()), ("svc_repair", 5));

    draft.apply(DraftEvent::Back, &config(), 6).unwrap();
    assert_eq!(draft.step, Step::Guide, "back from the form returns to the outcome");
    draft
        .apply(
            DraftEvent::Edit { field: Field::ProductLine, value: "network".into() },
            &config(),
            7,
        )
        .unwrap();
    assert_eq!(
        (
            draft.flow.clone(),
            draft.fields.troubleshooting.clone(),
            draft.fields.category.as_str(),
            draft.fields.resolution.as_str()
        ),
        (None, None, "", "")
    );
}

#[test]
fn a_solved_outcome_cannot_open_the_form() {
    let flow = Flow::parse(&fixture("valid")).unwrap();
    let mut draft = Draft::new("d".into(), "k".into(), 0);
    draft.guide(GuideEvent::Start, &flow, 1).unwrap();
    draft.guide(GuideEvent::Answer("a".into()), &flow, 2).unwrap();
    draft.guide(GuideEvent::Answer("fixed".into()), &flow, 3).unwrap();
    assert_eq!(draft.guide(GuideEvent::ToForm, &flow, 4), Err(EngineError::Finished));
}

#[test]
fn every_product_line_has_a_flow_of_at_least_twenty_nodes() {
    let flows = shipped_flows();
    let config = config();
    for line in &config.product_lines {
        assert!(flows.iter().any(|(_, flow)| flow.id == line.id), "{} has no flow", line.id);
    }
    for (path, flow) in &flows {
        assert!(flow.nodes.len() >= 20, "{}: {} nodes", path.display(), flow.nodes.len());
        assert_eq!(
            path.file_stem().unwrap().to_str().unwrap(),
            flow.id,
            "file name equals flow id"
        );
        assert!(
            config.product_line(&flow.id).is_some(),
            "{} is a configured product line",
            flow.id
        );
        for kind in [OutcomeKind::Solved, OutcomeKind::NeedsService, OutcomeKind::Emergency] {
            assert!(
                flow.nodes.iter().any(|n| matches!(n, Node::Outcome(o) if o.outcome == kind)),
                "{} has a {kind:?} outcome",
                flow.id
            );
        }
    }
}

#[test]
fn the_way_out_is_offered_last() {
    for (_, flow) in shipped_flows() {
        for node in &flow.nodes {
            if let Node::Question(question) = node {
                let last = question.answers.last().unwrap();
                assert!(last.other, "{}: {} ends with {:?}", flow.id, question.id, last.id);
            }
        }
    }
}

/// The most questions a walk from `id` can ask (the shipped flows have no loops).
fn questions_deep(flow: &Flow, id: &str) -> usize {
    let node = flow.node(id).unwrap();
    let below = node.links().iter().map(|(_, next)| questions_deep(flow, next)).max().unwrap_or(0);
    below + usize::from(matches!(node, Node::Question(_)))
}

/// Issue 15: every main branch — each answer to a flow's first question, except the way out
/// and an answer that goes straight to an emergency — asks at least three levels of questions,
/// the first question included, on some walk.
#[test]
fn every_main_branch_asks_three_questions_or_more() {
    for (_, flow) in shipped_flows() {
        let Some(Node::Question(start)) = flow.node(&flow.start) else {
            panic!("{} starts with a question", flow.id)
        };
        let shallow: Vec<(&str, usize)> = start
            .answers
            .iter()
            .filter(|a| {
                let emergency = matches!(flow.node(&a.next),
                    Some(Node::Outcome(o)) if o.outcome == OutcomeKind::Emergency);
                !a.other && !emergency
            })
            .map(|a| (a.id.as_str(), 1 + questions_deep(&flow, &a.next)))
            .filter(|(_, depth)| *depth < 3)
            .collect();
        assert!(
            shallow.is_empty(),
            "{}: main branches with fewer than three levels of questions {shallow:?}",
            flow.id
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the customer answers, every shipped flow ends in an outcome within its node count.
    #[test]
    fn random_walks_end_in_an_outcome(choices in proptest::collection::vec(any::<usize>(), 64)) {
        for (_, flow) in shipped_flows() {
            let mut progress = FlowProgress::start(&flow);
            let mut steps = 0;
            while progress.outcome(&flow).is_none() {
                let links = progress.node(&flow).unwrap().links();
                let (answer, _) = links[choices[steps % choices.len()] % links.len()];
                progress.answer(&flow, answer, steps as u64).unwrap();
                steps += 1;
                prop_assert!(steps <= flow.nodes.len(), "{} walked {} steps without an outcome", flow.id, steps);
            }
            prop_assert_eq!(progress.transcript.len(), steps);
        }
    }
}

/// Issue 20: every emergency a shipped flow can end in names public services that the shipped
/// configuration has a number for, and no flow writes a public number into its text (the
/// numbers differ by region and come from `config.json`).
#[test]
fn every_emergency_has_a_configured_public_number_and_no_flow_writes_one() {
    let config = config();
    let numbers: Vec<&str> = config.emergency.numbers.iter().map(|l| l.number.as_str()).collect();
    for (_, flow) in shipped_flows() {
        let Some(Node::Question(first)) = flow.node(&flow.start) else { unreachable!() };
        assert!(
            first.answers.iter().any(|a| matches!(flow.node(&a.next),
                Some(Node::Outcome(o)) if o.outcome == OutcomeKind::Emergency)),
            "{}: the first question offers an emergency way out",
            flow.id
        );
        for node in &flow.nodes {
            if let Node::Outcome(outcome) = node {
                if outcome.outcome == OutcomeKind::Emergency {
                    assert!(
                        !config.emergency.lines(&outcome.services).is_empty(),
                        "{} {}: no configured number for {:?}",
                        flow.id,
                        outcome.id,
                        outcome.services
                    );
                }
            }
        }
        let text = serde_json::to_string(&flow).unwrap();
        for number in &numbers {
            let written = text.match_indices(number).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + number.len()..].chars().next();
                !before.is_some_and(|c| c.is_ascii_digit())
                    && !after.is_some_and(|c| c.is_ascii_digit())
            });
            assert!(!written, "{} writes the public number {number}", flow.id);
        }
    }
}

#[test]
fn a_walk_that_ends_in_an_emergency_names_its_services_for_the_form() {
    use shouhou_core::emergency::{PublicService, GENERAL_SERVICES};
    let (_, flow) = shipped_flows().into_iter().find(|(_, f)| f.id == "appliance").unwrap();
    let mut draft = Draft::new("d".into(), "k".into(), 0);
    assert_eq!(draft.emergency_services(Some(&flow)), GENERAL_SERVICES, "no walk yet");
    draft.guide(GuideEvent::Start, &flow, 1).unwrap();
    draft.guide(GuideEvent::Answer("gas".into()), &flow, 2).unwrap();
    assert_eq!(draft.emergency_services(Some(&flow)), [PublicService::Gas, PublicService::Fire]);
    assert_eq!(draft.emergency_services(None), GENERAL_SERVICES, "the flow is not loaded");
}

/// Issue 20: leaks through a roof, a bathroom or an outer wall are covered five years by law,
/// where the property line gives one: the flow's outcome names the part, the transcript carries
/// it, and the warranty is judged on the part's months.
#[test]
fn a_roof_leak_is_judged_on_the_waterproofing_warranty() {
    use shouhou_core::{CivilDate, Conditions, WarrantyStatus};
    let config = config();
    let (_, flow) = shipped_flows().into_iter().find(|(_, f)| f.id == "property").unwrap();
    let mut draft = Draft::new("d".into(), "k".into(), 0);
    for (field, value) in [(Field::Intent, "repair"), (Field::ProductLine, "property")] {
        draft.apply(DraftEvent::Edit { field, value: value.into() }, &config, 1).unwrap();
    }
    draft.guide(GuideEvent::Start, &flow, 2).unwrap();
    for answer in ["leak", "rain_only", "ceiling"] {
        draft.guide(GuideEvent::Answer(answer.into()), &flow, 3).unwrap();
    }
    draft.guide(GuideEvent::ToForm, &flow, 4).unwrap();
    let walked = draft.fields.troubleshooting.clone().unwrap();
    assert_eq!(
        (walked.outcome.as_str(), walked.component.as_deref()),
        ("svc_roof", Some("waterproofing"))
    );

    // Handed over three years ago: long past the line's 12 months, inside the 60 of the roof.
    let today = CivilDate::parse("2026-11-27").unwrap();
    draft.fields.purchase_date = "2023-11-27".into();
    let covered = Conditions::of(&draft.fields, &config, today).warranty;
    assert_eq!(covered, Some(WarrantyStatus::InWarranty { until: "2028-11-26".into() }));
    draft.fields.troubleshooting.as_mut().unwrap().component = None;
    let general = Conditions::of(&draft.fields, &config, today).warranty;
    assert_eq!(general, Some(WarrantyStatus::OutOfWarranty { ended: "2024-11-26".into() }));
    // A part the line does not list is judged on the line's months.
    draft.fields.troubleshooting.as_mut().unwrap().component = Some("gold_taps".into());
    assert_eq!(Conditions::of(&draft.fields, &config, today).warranty, general);
}

#[test]
fn every_part_a_flow_names_has_a_warranty_of_its_own_in_the_config() {
    let config = config();
    for (_, flow) in shipped_flows() {
        let line = config.product_line(&flow.id).unwrap();
        for node in &flow.nodes {
            if let Node::Outcome(outcome) = node {
                if let Some(component) = &outcome.component {
                    assert!(
                        line.components.iter().any(|c| &c.id == component),
                        "{} {}: {component} is not one of the line's components",
                        flow.id,
                        outcome.id
                    );
                }
            }
        }
    }
}
