//! `shouhou-flows`: the after-sales team's tool for the troubleshooting trees in
//! `static/flows/`. `check` finds every problem in every file (exit 1 if any); `diagram`
//! prints a tree as a Mermaid flowchart to review it as a picture.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use shouhou_core::flow::{diagram, Flow};
use shouhou_core::Lang;

#[derive(Parser)]
#[command(version, about = "Validate and draw Shouhou's guided-troubleshooting flows")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check flow files (or every *.json in the given folders); exit 1 on any problem.
    Check {
        #[arg(default_value = "static/flows")]
        paths: Vec<PathBuf>,
    },
    /// Print a flow as a Mermaid flowchart.
    Diagram {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "zh-cn")]
        lang: DiagramLang,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum DiagramLang {
    #[value(name = "zh-cn", alias = "zh-CN")]
    ZhCn,
    En,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check { paths } => check(&paths),
        Command::Diagram { file, lang } => {
            let lang = match lang {
                DiagramLang::ZhCn => Lang::ZhCn,
                DiagramLang::En => Lang::En,
            };
            match load(&file) {
                Ok(flow) => {
                    print!("{}", diagram::mermaid(&flow, lang));
                    ExitCode::SUCCESS
                }
                Err(problems) => {
                    report(&file, &problems);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn flow_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries =
                std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// Reads and validates one file; the file name must be the flow id (`<product line>.json`).
fn load(file: &Path) -> Result<Flow, Vec<String>> {
    let text = std::fs::read_to_string(file).map_err(|e| vec![format!("cannot read: {e}")])?;
    let flow = Flow::parse(&text)
        .map_err(|problems| problems.iter().map(ToString::to_string).collect::<Vec<_>>())?;
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
    if stem != flow.id {
        return Err(vec![format!("id: {:?} must equal the file name {stem:?}", flow.id)]);
    }
    Ok(flow)
}

fn report(file: &Path, problems: &[String]) {
    for problem in problems {
        eprintln!("{}: {problem}", file.display());
    }
}

fn check(paths: &[PathBuf]) -> ExitCode {
    let files = match flow_files(paths) {
        Ok(files) if !files.is_empty() => files,
        Ok(_) => {
            eprintln!(
                "no flow files found in {}",
                paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
            return ExitCode::FAILURE;
        }
        Err(why) => {
            eprintln!("{why}");
            return ExitCode::FAILURE;
        }
    };
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    let mut failed = 0;
    for file in &files {
        match load(file) {
            Ok(flow) => println!(
                "ok      {} ({} v{}, {} nodes)",
                file.display(),
                flow.id,
                flow.version,
                flow.nodes.len()
            ),
            Err(problems) => {
                failed += 1;
                println!(
                    "FAILED  {} ({} problem{})",
                    file.display(),
                    problems.len(),
                    plural(problems.len())
                );
                report(file, &problems);
            }
        }
    }
    println!("{} flow file{} checked, {failed} with problems", files.len(), plural(files.len()));
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
