// Package employment holds the bureau's public employment services:
// job-seeker and unemployment registrations with their deregistration
// grounds, the unemployed graduates' real-name follow-up with the "1131"
// service package, vacancies coded by the national occupational
// classification, explainable matching of seekers and vacancies, capacity-
// aware batch matching, job fairs with interview slots allocated by
// deferred acceptance, and placements attributed to the service that
// preceded a hire.
//
// It knows nothing of HTTP or SQL: store/ implements Store, web/ and cmd/
// call Service. The matching engine (Matcher) is pure, in-memory and
// deterministic; it is used by the Service, by batch runs and by the
// benchmarks alike.
//
// Rules are in ../shared/reference/RULES.md §6 and §9; the score and its
// components are documented in docs/MATCHING.md.
package employment
