"""The README documents every command and option, and its two commands are the ones CI runs."""

import re

import typer

from newssearch.cli import app

from .helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_and_option_is_in_the_readme():
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"newssearch {name}" in README, name
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in README, f"{name} {opt}"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(.+?)\n```", README)
    assert len(commands) >= 2
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands[1] in ci
    assert "newssearch query" in commands[0]


def test_readme_python_example_runs(corpus, monkeypatch, capsys):
    """The API example in the README works as written, from a folder holding corpus/."""
    example = re.search(r"```python\n(.+?)\n```", README, re.DOTALL).group(1)
    monkeypatch.chdir(corpus.parent)
    exec(compile(example, "README.md", "exec"), {})
    out = capsys.readouterr().out
    assert "Washington turns down Iraqi call to remove troops" in out
    assert "NATO" in out


def test_no_module_of_the_package_is_over_400_lines():
    """Nor a module of the tests or the benchmarks: each room sized for reading."""
    modules = [p for folder in ("newssearch", "tests", "benchmarks") for p in (ROOT / folder).rglob("*.py")]
    long = {
        p.relative_to(ROOT).as_posix(): n for p in modules if (n := len(p.read_text().splitlines())) > 400
    }
    assert modules and long == {}
