// Package rules is the law as code for hrss: parameters with dated values,
// legal references and confidence; the formulas of social insurance and
// employment; explanation traces; and a columnar engine that evaluates the
// contribution rules over a population and compares a reform with the
// baseline. It is pure: it imports no other hrss package and does no I/O
// beyond reading parameter files.
//
// # Parameters
//
// Parameters live in YAML files (rules/params/*.yaml, embedded; format in
// paramfile.go). Load returns the embedded set with a deployment's
// directory of overrides applied; OverlayFile applies a reform. Lookup finds
// the value of a parameter in force on a date in a division: the most
// specific jurisdiction of the division's chain (330402 → 330400 → 330000 →
// 100000) that has a value in force wins. Every value carries its
// reference and confidence (verified, supported, unverified).
//
// # Formulas
//
// Each formula is a method of *Params taking a typed input and an explain
// flag; with explain it returns a trace listing the inputs, every
// parameter value read (with jurisdiction, date, reference, confidence)
// and the intermediate values:
//
//	RetirementAge        statutory retirement age, month and flexible window (2024 reform)
//	MinContributionMonths minimum contribution period by retirement month
//	Divisor              months divisor (计发月数) for an age at retirement
//	Contribution         one person-month: base, lines, totals, account credit
//	BaseLimits           contribution base floor and ceiling
//	Account              personal account with monthly credits and yearly interest
//	Pension              Zhejiang monthly basic pension and its components
//	UnemploymentBenefit  eligibility, months and monthly amount
//	MinimumWage, LateFee
//	Project              a pension estimate over the flexible retirement window
//
// # Population and reforms
//
// A Population holds person-months as columns (NewPopulation, Append).
// Assess fills an Assessment with the base and every line per row;
// Simulate(base, reform, pop, period) returns a SimReport of contribution
// income per insurance and party, by division, with the rows affected.
// Both read parameters once per distinct (division, period) and agree with
// Contribution to the fen.
//
// Every failure a caller can cause is a *fault.Error of kind Invalid that
// names the field and rule (and for a parameter file, the file and line).
package rules
