//! A Rails API that renders lowerCamel keys (`Jbuilder.key_format
//! camelize: :lower`) and snake_cases request keys in a callback
//! (`params.deep_transform_keys!(&:underscore)`), as the Rails RealWorld
//! app does, with a TypeScript client that speaks camelCase, on
//! `fixtures/payload-rails-camel` with `plans/payload-rails-camel.yaml`.
//! Each assertion is a false positive seen on that app.

mod common;

use common::audit;
use std::path::Path;

fn report() -> common::Report {
    let (r, code, stderr) = audit(
        Path::new("plans/payload-rails-camel.yaml"),
        Path::new("fixtures/payload-rails-camel"),
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    r
}

const ARTICLE: &str = "api/app/views/articles/_article.json.jbuilder:1";
const PROFILE: &str = "api/app/views/profiles/_profile.json.jbuilder:1";
const WEB: &str = "web/src/articles.ts";

#[test]
fn an_implicit_view_behind_a_guard_callback_renders_camel_keys_through_block_partials() {
    let r = report();
    let f = r.finding("route:GET /api/articles/:slug");
    // The callback's `head :unauthorized` does not stand for the action's
    // response; `show.json.jbuilder` renders `json.article do |json|`
    // with a partial inside; `created_at` is `createdAt`; `json.author
    // article.user, partial:` is one object, not an array.
    let (w3, w4) = (format!("{WEB}:3"), format!("{WEB}:4"));
    assert_eq!(
        f.payload_keys("response"),
        [
            (
                "article",
                vec!["api/app/views/articles/show.json.jbuilder:1"],
                vec![w3.as_str()]
            ),
            ("article.author.avatar", vec![], vec![w4.as_str()]),
            ("article.author.bio", vec![PROFILE], vec![]),
            ("article.author.username", vec![PROFILE], vec![w4.as_str()]),
            ("article.createdAt", vec![ARTICLE], vec![w4.as_str()]),
            ("article.slug", vec![ARTICLE], vec![]),
            ("article.tagList", vec![ARTICLE], vec![]),
            ("article.title", vec![ARTICLE], vec![]),
        ]
    );
    // The one key really missing is still reported.
    assert_eq!(f.codes(), ["response-key-read-never-sent"]);
    let m = &f.problem("response-key-read-never-sent").message;
    assert!(
        m.contains("`article.author.avatar` is read by web/src/articles.ts:4"),
        "{m}"
    );
}

#[test]
fn camel_case_request_keys_are_read_snake_cased() {
    let r = report();
    let f = r.finding("route:POST /api/articles");
    let (w10, permit) = (
        format!("{WEB}:10"),
        "api/app/controllers/articles_controller.rb:14",
    );
    assert_eq!(
        f.payload_keys("request"),
        [
            ("article.tagList", vec![w10.as_str()], vec![permit]),
            ("article.title", vec![w10.as_str()], vec![permit]),
        ]
    );
    assert!(f.problems.is_empty(), "{:?}", f.codes());
}
