//! `--output yaml` and `yaml-stream` against what the AWS CLI v2 prints
//! for the same result. Each expected text is the output of the AWS CLI
//! v2's own YAML formatter (ruamel.yaml's safe dumper, block style, as
//! awscli/formatter.py sets it up) for the result, taken once and stored
//! here; the results are one GetCallerIdentity answer, shaped by
//! `--query`.

mod cli_support;

use cli_support::*;
use sts_tests::canned;

/// `sts get-caller-identity` against a canned answer, with `--query` when
/// given, in `output`.
fn caller_identity(query: Option<&str>, output: &str) -> String {
    let mut args = vec!["get-caller-identity", "--output", output];
    if let Some(q) = query {
        args.extend(["--query", q]);
    }
    let (out, _server) = canned_run(
        canned::caller_identity("arn:aws:iam::123456789012:user/alice"),
        &args,
    );
    out
}

/// Fails unless `--output yaml` and `yaml-stream` print `yaml` and
/// `stream` for the result of `query`.
fn assert_yaml(query: Option<&str>, yaml: &str, stream: &str) {
    assert_eq!(caller_identity(query, "yaml"), yaml, "yaml, {query:?}");
    assert_eq!(
        caller_identity(query, "yaml-stream"),
        stream,
        "yaml-stream, {query:?}"
    );
}

#[test]
fn keys_are_sorted() {
    assert_yaml(
        None,
        "Account: '123456789012'\nArn: arn:aws:iam::123456789012:user/alice\nUserId: AIDAEXAMPLE\n",
        "- Account: '123456789012'\n  Arn: arn:aws:iam::123456789012:user/alice\n  \
         UserId: AIDAEXAMPLE\n",
    );
}

/// A single value is printed as JSON by `yaml` (as a list item by
/// `yaml-stream`).
#[test]
fn a_single_value_is_printed_as_json() {
    assert_yaml(Some("Account"), "\"123456789012\"\n", "- '123456789012'\n");
}

/// No result (an empty object) prints nothing; an empty list prints `[]`.
#[test]
fn an_empty_result_prints_nothing() {
    assert_yaml(Some("`{}`"), "", "");
    assert_yaml(Some("`[]`"), "[]\n", "- []\n");
}

/// A list in a list starts on its dash's line (`- - item`), at any depth.
#[test]
fn a_list_in_a_list_starts_on_the_dash_line() {
    assert_yaml(
        Some("{L: [[Account], `[]`, [[UserId, `{}`]], [{Z: Arn, A: Account}]], E: `[]`}"),
        "E: []\nL:\n- - '123456789012'\n- []\n- - - AIDAEXAMPLE\n    - {}\n\
         - - A: '123456789012'\n    Z: arn:aws:iam::123456789012:user/alice\n",
        "- E: []\n  L:\n  - - '123456789012'\n  - []\n  - - - AIDAEXAMPLE\n      - {}\n  \
         - - A: '123456789012'\n      Z: arn:aws:iam::123456789012:user/alice\n",
    );
}

#[test]
fn infinities_are_yaml_infinities() {
    assert_yaml(
        Some("{P: sum([`1e308`, `1e308`]), N: sum([`-1e308`, `-1e308`])}"),
        "N: -.inf\nP: .inf\n",
        "- N: -.inf\n  P: .inf\n",
    );
}

/// Strings that pass the 80th column are folded at a lone space, plain,
/// single- and double-quoted ones each in their own way; a string without
/// a space, or a run of spaces, is never broken.
#[test]
fn long_strings_are_folded_at_80_columns() {
    let words = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo \
                 pppp qqqq rrrr ssss tttt";
    let query = format!(
        "`{{\"Plain\": \"{words}\", \"Single\": \"@{words}\", \"Double\": \"'{words}\", \
         \"NoSpace\": \"{x}\", \"List\": [\"{words}\", [\"{words}\"]], \
         \"Spaces\": \"{spaces}  y z\"}}`",
        x = "x".repeat(90),
        spaces = "x ".repeat(39),
    );
    let x = "x".repeat(90);
    assert_yaml(
        Some(&query),
        &format!(
            "Double: \"'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\\\n  \
             \\ pppp qqqq rrrr ssss tttt\"\n\
             List:\n\
             - aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n  \
             qqqq rrrr ssss tttt\n\
             - - aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n    \
             qqqq rrrr ssss tttt\n\
             NoSpace: {x}\n\
             Plain: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n  \
             pppp qqqq rrrr ssss tttt\n\
             Single: '@aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n  \
             pppp qqqq rrrr ssss tttt'\n\
             Spaces: x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x\n  \
             x x   y z\n"
        ),
        &format!(
            "- Double: \"'aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\\\n    \
             \\ oooo pppp qqqq rrrr ssss tttt\"\n  \
             List:\n  \
             - aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n    \
             qqqq rrrr ssss tttt\n  \
             - - aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo pppp\n      \
             qqqq rrrr ssss tttt\n  \
             NoSpace: {x}\n  \
             Plain: aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn oooo\n    \
             pppp qqqq rrrr ssss tttt\n  \
             Single: '@aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn\n    \
             oooo pppp qqqq rrrr ssss tttt'\n  \
             Spaces: x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x x\n    \
             x x x   y z\n"
        ),
    );
}

/// A string that must be quoted and holds a single quote is
/// double-quoted; double quotes use YAML's short escapes (`\e`, `\L`,
/// `\N`) and upper-case hex; what PyYAML reads as a string (`y`, `N`,
/// `yEs`, `_1`, `E1`) stays plain.
#[test]
fn quoting_and_escapes() {
    let query = "`{\"y\": \"N\", \"Mixed\": \"yEs\", \"E1\": \"_1\", \"Quote\": \"'s\", \
                 \"It\": \"it's\", \"Esc\": \"a\\u001bb\\u2028c\\u0085d\\ufeffe\\tf\\u00e9\"}`";
    assert_yaml(
        Some(query),
        "E1: _1\nEsc: \"a\\eb\\Lc\\Nd\\uFEFFe\\tf\u{e9}\"\nIt: it's\nMixed: yEs\nQuote: \"'s\"\n\
         y: N\n",
        "- E1: _1\n  Esc: \"a\\eb\\Lc\\Nd\\uFEFFe\\tf\u{e9}\"\n  It: it's\n  Mixed: yEs\n  \
         Quote: \"'s\"\n  y: N\n",
    );
}

/// Where the output differs from the AWS CLI v2's on purpose: v2 prints
/// `yes: No` (ruamel.yaml's YAML 1.2 rules), which PyYAML, a YAML 1.1
/// reader, reads back as `{True: False}`; the words YAML 1.1 reads as
/// booleans are quoted, so the strings read back as strings.
#[test]
fn yaml_1_1_booleans_stay_quoted() {
    assert_yaml(
        Some("`{\"yes\": \"No\", \"OFF\": \"on\"}`"),
        "'OFF': 'on'\n'yes': 'No'\n",
        "- 'OFF': 'on'\n  'yes': 'No'\n",
    );
}

/// A double-quoted string is folded after an escape too, without a space.
#[test]
fn a_double_quoted_string_is_folded_after_an_escape() {
    let query = format!("`{{\"Tabs\": \"{}\"}}`", ["abcdefgh"; 11].join("\\t"));
    let first = "abcdefgh\\t".repeat(8);
    assert_yaml(
        Some(&query),
        &format!("Tabs: \"{first}\\\n  abcdefgh\\tabcdefgh\\tabcdefgh\"\n"),
        &format!("- Tabs: \"{first}\\\n    abcdefgh\\tabcdefgh\\tabcdefgh\"\n"),
    );
}
