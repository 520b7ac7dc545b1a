//! The depth limit, with a rule of its own for introspection.
//!
//! async-graphql's built-in depth limit counts every field, so the standard introspection
//! query that GraphiQL, Apollo, graphql-codegen, Postman and Insomnia send first
//! (graphql-js's `getIntrospectionQuery`) is refused: its `ofType { ofType { … } }` chain is
//! deeper than any sensible limit for data. This extension replaces it:
//!
//! - **Data selections** are measured exactly as async-graphql measures them (one level per
//!   field, fragments expanded in place, every operation of the document) and refused above
//!   `max_depth`.
//! - **Introspection** (`__schema`, `__type`) counts as one level there. Inside it, what can
//!   fan out is limited the way graphql-js's `MaxIntrospectionDepthRule` does it: the list
//!   fields `fields`, `inputFields`, `interfaces` and `possibleTypes` may nest at most twice,
//!   so a crafted `fields { type { fields { type { fields … } } } }` cannot multiply the
//!   answer. The `ofType` chain grows by one object per level and is only held to a generous
//!   absolute depth.
//!
//! The complexity limit is still async-graphql's own, and applies to everything.
//!
//! Before any of that, the same extension holds the document itself to limits (OWASP's GraphQL
//! cheat sheet): its size in bytes (checked before parsing), the number of fields it selects
//! with every fragment expanded where it is spread (aliases count, so an alias bomb is refused;
//! counting stops at the limit, so a fragment bomb that would expand exponentially costs no
//! more than the limit), the number of root fields of an operation and of directives on a field
//! (async-graphql's own `limit_directives` follows fragment spreads without a cycle check, so a
//! fragment cycle would overflow its stack: it stays off). Each answer reports its cost in
//! `extensions.cost` ([`Cost`]).

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextRequest, NextValidation,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::ValidationResult;
use async_graphql::{Positioned, ServerError, ServerResult, Variables};

use crate::error::ErrorCode;
use crate::graphql::errors::set_code;

/// Fields that list schema parts, and so can multiply an introspection answer when nested.
const INTROSPECTION_LISTS: [&str; 4] = ["fields", "inputFields", "interfaces", "possibleTypes"];
/// How often [`INTROSPECTION_LISTS`] fields may nest (graphql-js refuses the third level).
pub const MAX_INTROSPECTION_LIST_NESTING: usize = 2;
/// The deepest an introspection selection may go at all (graphql-js 17 asks for about 15).
pub const MAX_INTROSPECTION_DEPTH: usize = 40;

/// What a query document may be: [`super::QueryLimits`]' document part.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct DocumentLimits {
    pub max_depth: usize,
    /// The longest document, in bytes.
    pub max_query_bytes: usize,
    /// The most fields a document selects, fragments expanded (aliases count).
    pub max_fields: usize,
    /// The most root fields one operation selects.
    pub max_root_fields: usize,
    /// The most directives on one field.
    pub max_directives: usize,
}

/// The extension factory; see the module documentation.
pub struct DepthLimit {
    limits: DocumentLimits,
}

impl DepthLimit {
    pub fn new(limits: DocumentLimits) -> Self {
        DepthLimit { limits }
    }
}

impl ExtensionFactory for DepthLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(DepthLimitExtension {
            limits: self.limits,
        })
    }
}

struct DepthLimitExtension {
    limits: DocumentLimits,
}

fn too_complex(message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    set_code(&mut err, ErrorCode::QueryTooComplex);
    err
}

#[async_trait::async_trait]
impl Extension for DepthLimitExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let limits = &self.limits;
        if query.len() > limits.max_query_bytes {
            return Err(too_complex(format!(
                "The query document is {} bytes, the limit is {}.",
                query.len(),
                limits.max_query_bytes
            )));
        }
        let document = next.run(ctx, query, variables).await?;
        // Counted first: it bounds the work of every walk below.
        check_size(&document, limits).map_err(too_complex)?;
        check(&document, limits.max_depth).map_err(too_complex)?;
        Ok(document)
    }
}

/// Checks how many fields a document selects (fragments expanded, every operation) and how
/// many root fields each operation has; the error is the message to send.
pub fn check_size(document: &ExecutableDocument, limits: &DocumentLimits) -> Result<(), String> {
    let walker = Walker { document };
    let mut total = 0;
    // The fields first: counting stops at the limit, and bounds the root walk below.
    for (_, operation) in document.operations.iter() {
        walker.count(
            &operation.node.selection_set,
            &mut HashSet::new(),
            &mut total,
            (limits.max_fields, limits.max_directives),
        )?;
    }
    for (_, operation) in document.operations.iter() {
        let mut roots = 0;
        walker.for_each_field(
            &operation.node.selection_set,
            &mut HashSet::new(),
            &mut |_, _| roots += 1,
        );
        if roots > limits.max_root_fields {
            return Err(format!(
                "An operation selects {roots} root fields, the limit is {}.",
                limits.max_root_fields
            ));
        }
    }
    Ok(())
}

/// Reports each answer's cost in `extensions.cost`, as Shopify's API does: the complexity the
/// query was scored (what `graphql.max_complexity` limits) and its depth, with the limits.
pub struct Cost {
    max_complexity: usize,
    max_depth: usize,
}

impl Cost {
    pub fn new(max_complexity: usize, max_depth: usize) -> Self {
        Cost {
            max_complexity,
            max_depth,
        }
    }
}

impl ExtensionFactory for Cost {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CostExtension {
            max_complexity: self.max_complexity,
            max_depth: self.max_depth,
            validated: std::sync::Mutex::new(None),
        })
    }
}

struct CostExtension {
    max_complexity: usize,
    max_depth: usize,
    validated: std::sync::Mutex<Option<ValidationResult>>,
}

#[async_trait::async_trait]
impl Extension for CostExtension {
    async fn request(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextRequest<'_>,
    ) -> async_graphql::Response {
        let response = next.run(ctx).await;
        let validated = self.validated.lock().ok().and_then(|mut v| v.take());
        match validated {
            Some(v) => response.extension(
                "cost",
                async_graphql::value!({
                    "complexity": v.complexity,
                    "maxComplexity": self.max_complexity,
                    "depth": v.depth,
                    "maxDepth": self.max_depth,
                }),
            ),
            None => response,
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Ok(mut slot) = self.validated.lock() {
            *slot = Some(result);
        }
        Ok(result)
    }
}

/// What one walk over a selection found.
#[derive(Default, Clone, Copy, Debug, PartialEq, Eq)]
pub struct Depths {
    /// Data depth, counting an introspection root field as one level.
    pub data: usize,
    /// The deepest introspection selection, counting its root field.
    pub introspection: usize,
    /// The deepest nesting of introspection list fields.
    pub introspection_lists: usize,
}

/// Checks a document against the limits; the error is the message to send.
pub fn check(document: &ExecutableDocument, max_depth: usize) -> Result<(), String> {
    let depths = measure(document);
    if depths.data > max_depth {
        return Err(format!(
            "Query is nested too deep: {} levels, the limit is {max_depth}.",
            depths.data
        ));
    }
    if depths.introspection_lists > MAX_INTROSPECTION_LIST_NESTING {
        return Err(format!(
            "Introspection query is nested too deep: fields, inputFields, interfaces and \
             possibleTypes may nest at most {MAX_INTROSPECTION_LIST_NESTING} times."
        ));
    }
    if depths.introspection > MAX_INTROSPECTION_DEPTH {
        return Err(format!(
            "Introspection query is nested too deep: {} levels, the limit is \
             {MAX_INTROSPECTION_DEPTH}.",
            depths.introspection
        ));
    }
    Ok(())
}

/// Measures every operation of the document, fragments expanded in place.
pub fn measure(document: &ExecutableDocument) -> Depths {
    let walker = Walker { document };
    let mut total = Depths::default();
    for (_, operation) in document.operations.iter() {
        let mut seen = HashSet::new();
        let d = walker.data(&operation.node.selection_set, &mut seen);
        total.data = total.data.max(d.data);
        total.introspection = total.introspection.max(d.introspection);
        total.introspection_lists = total.introspection_lists.max(d.introspection_lists);
    }
    total
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
}

impl<'a> Walker<'a> {
    /// The selections of a set, with fragment spreads and inline fragments flattened. A spread
    /// of a fragment already being expanded is skipped (validation reports the cycle).
    fn for_each_field(
        &self,
        set: &'a Positioned<SelectionSet>,
        expanding: &mut HashSet<&'a str>,
        f: &mut dyn FnMut(&'a async_graphql::parser::types::Field, &mut HashSet<&'a str>),
    ) {
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => f(&field.node, expanding),
                Selection::InlineFragment(fragment) => {
                    self.for_each_field(&fragment.node.selection_set, expanding, f)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if expanding.insert(name) {
                        self.for_each_field(&fragment.node.selection_set, expanding, f);
                        expanding.remove(name);
                    }
                }
            }
        }
    }

    /// Adds the fields of a set (and below) to `total`, fragments expanded where spread, and
    /// checks each field's directives; returns the refusal as soon as `total` passes
    /// `max_fields`, so a fragment bomb costs no more than that many fields (times the nesting
    /// of spreads between two fields). A fragment cycle is not followed.
    fn count(
        &self,
        set: &'a Positioned<SelectionSet>,
        expanding: &mut HashSet<&'a str>,
        total: &mut usize,
        limits: (usize, usize),
    ) -> Result<(), String> {
        let (max_fields, max_directives) = limits;
        for selection in &set.node.items {
            match &selection.node {
                Selection::Field(field) => {
                    *total += 1;
                    if *total > max_fields {
                        return Err(format!(
                            "The query selects more than {max_fields} fields (aliases and \
                             fragments counted where they are used)."
                        ));
                    }
                    let directives = field.node.directives.len();
                    if directives > max_directives {
                        return Err(format!(
                            "The field `{}` has {directives} directives, the limit is \
                             {max_directives}.",
                            field.node.name.node
                        ));
                    }
                    self.count(&field.node.selection_set, expanding, total, limits)?;
                }
                Selection::InlineFragment(fragment) => {
                    self.count(&fragment.node.selection_set, expanding, total, limits)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = self.document.fragments.get(name) else {
                        continue;
                    };
                    if expanding.insert(name) {
                        let counted =
                            self.count(&fragment.node.selection_set, expanding, total, limits);
                        expanding.remove(name);
                        counted?;
                    }
                }
            }
        }
        Ok(())
    }

    fn data(&self, set: &'a Positioned<SelectionSet>, expanding: &mut HashSet<&'a str>) -> Depths {
        let mut out = Depths::default();
        self.for_each_field(set, expanding, &mut |field, expanding| {
            let name = field.name.node.as_str();
            if name == "__schema" || name == "__type" {
                let (depth, lists) = self.introspection(&field.selection_set, expanding);
                out.data = out.data.max(1);
                out.introspection = out.introspection.max(1 + depth);
                out.introspection_lists = out.introspection_lists.max(lists);
            } else {
                let below = self.data(&field.selection_set, expanding);
                out.data = out.data.max(1 + below.data);
                out.introspection = out.introspection.max(below.introspection);
                out.introspection_lists = out.introspection_lists.max(below.introspection_lists);
            }
        });
        out
    }

    /// (depth, list nesting) of a selection inside introspection.
    fn introspection(
        &self,
        set: &'a Positioned<SelectionSet>,
        expanding: &mut HashSet<&'a str>,
    ) -> (usize, usize) {
        let mut depth = 0;
        let mut lists = 0;
        self.for_each_field(set, expanding, &mut |field, expanding| {
            let (d, l) = self.introspection(&field.selection_set, expanding);
            let is_list = INTROSPECTION_LISTS.contains(&field.name.node.as_str());
            depth = depth.max(1 + d);
            lists = lists.max(l + usize::from(is_list));
        });
        (depth, lists)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_graphql::parser::parse_query;

    fn depths(query: &str) -> Depths {
        measure(&parse_query(query).unwrap())
    }

    #[test]
    fn data_depth_counts_one_level_per_field_with_fragments_in_place() {
        assert_eq!(depths("{ a }").data, 1);
        assert_eq!(depths("{ a { b { c } } }").data, 3);
        assert_eq!(
            depths("query { a { ...F } } fragment F on T { b { ... on U { c { d } } } }").data,
            4
        );
        // The deepest of several operations counts.
        assert_eq!(depths("query A { a } query B { a { b } }").data, 2);
    }

    #[test]
    fn introspection_counts_one_data_level_and_limits_its_list_nesting() {
        let d = depths(
            "{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType \
             { ofType { ofType { name } } } } } } } } } } } }",
        );
        assert_eq!(d.data, 1);
        assert_eq!(d.introspection, 12);
        assert_eq!(d.introspection_lists, 1);
        assert!(check(
            &parse_query("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }").unwrap(),
            3
        )
        .is_ok());

        let bomb = "{ __type(name: \"Query\") { fields { type { fields { type { fields { name } } } } } } }";
        assert_eq!(depths(bomb).introspection_lists, 3);
        let err = check(&parse_query(bomb).unwrap(), 12).unwrap_err();
        assert!(err.contains("at most 2 times"), "{err}");
    }

    #[test]
    fn a_deep_data_query_is_still_refused_and_typename_is_data() {
        let deep = "{ a { b { c { d { e } } } } }";
        assert!(check(&parse_query(deep).unwrap(), 5).is_ok());
        let err = check(&parse_query(deep).unwrap(), 4).unwrap_err();
        assert!(err.contains("nested too deep: 5 levels"), "{err}");
        assert_eq!(depths("{ a { __typename } }").data, 2);
    }

    #[test]
    fn aliases_fragments_and_root_fields_are_counted_and_a_fragment_bomb_stops_early() {
        let doc = |q: &str| parse_query(q).unwrap();
        let limits = |max_fields, max_root_fields| DocumentLimits {
            max_depth: 12,
            max_query_bytes: 1 << 20,
            max_fields,
            max_root_fields,
            max_directives: 2,
        };
        let five = "{ a b { c } ...F } fragment F on Q { d e }";
        assert!(check_size(&doc(five), &limits(5, 10)).is_ok());
        let err = check_size(&doc(five), &limits(4, 10)).unwrap_err();
        assert!(err.contains("more than 4 fields"), "{err}");
        let aliases: String = (0..10_000).map(|i| format!("a{i}: __typename ")).collect();
        assert!(check_size(&doc(&format!("{{ {aliases} }}")), &limits(1_000, 10_000)).is_err());
        let err = check_size(&doc("{ a b c }"), &limits(100, 2)).unwrap_err();
        assert!(err.contains("3 root fields, the limit is 2"), "{err}");
        let err = check_size(&doc("{ a @x @y @z }"), &limits(100, 2)).unwrap_err();
        assert!(
            err.contains("`a` has 3 directives, the limit is 2"),
            "{err}"
        );
        let cycle = "{ ...A } fragment A on Q { a ...B } fragment B on Q { b ...A }";
        assert!(check_size(&doc(cycle), &limits(100, 10)).is_ok());
        // 2^40 fields if expanded: refused after counting a thousand.
        let mut bomb = String::from("{ ...F0 }");
        for i in 0..40 {
            bomb.push_str(&format!(
                " fragment F{i} on Query {{ ...F{n} ...F{n} }}",
                n = i + 1
            ));
        }
        bomb.push_str(" fragment F40 on Query { a }");
        // (Expanded, this would not finish: that the test ends is what it proves.)
        assert!(check_size(&doc(&bomb), &limits(1_000, 1_000)).is_err());
    }

    #[test]
    fn fragment_cycles_do_not_loop() {
        let d =
            depths("{ ...A } fragment A on Query { a { ...B } } fragment B on T { b { ...A } }");
        assert_eq!(d.data, 2);
    }
}
