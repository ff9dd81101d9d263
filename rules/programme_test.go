package rules_test

import (
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/period"
)

// TestEmbeddedProgrammes: the programmes of RULES.md §6 are declared, each
// with its formula's parameters in force from its first day.
func TestEmbeddedProgrammes(t *testing.T) {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]rules.Formula{"expansion_2025": rules.FormulaJobExpansion, "expansion_2022": rules.FormulaJobExpansion,
		"startup_subsidy": rules.FormulaStartupSubsidy, "internship": rules.FormulaInternship,
		"hiring_insurance": rules.FormulaHiringInsurance, "startup_loan": rules.FormulaStartupLoan}
	for code, f := range want {
		g, err := p.Programme(code)
		if err != nil {
			t.Fatal(err)
		}
		if g.Formula != f || g.Reference == "" || g.Confidence == "" || len(g.Parameters) == 0 {
			t.Errorf("%s: %+v", code, g)
		}
		for _, pp := range g.Parameters {
			if _, err := p.Lookup(g.ParamName(pp.Suffix), g.From, "330402"); err != nil {
				t.Errorf("%s: %v", code, err)
			}
		}
	}
	if len(p.Programmes()) != len(want) {
		t.Errorf("%d programmes, want %d", len(p.Programmes()), len(want))
	}
	g, _ := p.Programme("expansion_2025")
	if g.Covers(period.Date{Y: 2026, M: 1, D: 1}) || !g.Covers(period.Date{Y: 2025, M: 12, D: 31}) {
		t.Error("expansion_2025 must cover 2025 only")
	}
}

// TestProgrammeByParameterFile: a deployment adds a programme of an
// existing formula with a parameter file, and a missing parameter or an
// unknown formula is named by file and line.
func TestProgrammeByParameterFile(t *testing.T) {
	base, _ := rules.Embedded()
	file := `programmes:
  - code: expansion_2026
    formula: job_expansion
    family: job_expansion
    name_zh: 一次性扩岗补助（2026年）
    name_en: One-time job expansion subsidy (2026)
    beneficiary: employer
    groups: [graduate_of_year]
    insurances: [unemployment]
    from: 2026-01-01
    reference: a deployment's notice
    confidence: unverified
parameters:
  - {name: support.expansion_2026.amount, description: per hire, unit: yuan, jurisdiction: "330400", values: [{from: 2026-01-01, value: "1000", reference: test, confidence: unverified}]}
  - {name: support.expansion_2026.paid_months, description: months, unit: months, jurisdiction: "330400", values: [{from: 2026-01-01, value: 3, reference: test, confidence: unverified}]}
`
	p, err := base.Overlay("deploy.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	paid := []rules.PaidMonth{{Period: period.New(2026, 3)}, {Period: period.New(2026, 4)}, {Period: period.New(2026, 5)}}
	d, err := p.Decide("expansion_2026", rules.Facts{Division: "330402", Event: period.Date{Y: 2026, M: 3, D: 1}, AsOf: period.Date{Y: 2026, M: 7, D: 1},
		Birth: period.Date{Y: 2004, M: 1, D: 1}, Graduated: period.Date{Y: 2026, M: 1, D: 15}, Insurances: []rules.Insurance{rules.Unemployment}, Paid: paid}, true)
	if err != nil || !d.Eligible || d.Amount.String() != "1000.00" {
		t.Fatalf("%+v %v", d, err)
	}
	broken := strings.Replace(file, "support.expansion_2026.paid_months", "support.expansion_2026.paid_month", 1)
	if _, err := base.Overlay("deploy.yaml", []byte(broken)); err == nil || !strings.Contains(err.Error(), "deploy.yaml:2: programme expansion_2026 needs the parameter support.expansion_2026.paid_months") {
		t.Errorf("missing parameter: %v", err)
	}
	broken = strings.Replace(file, "formula: job_expansion", "formula: jobs", 1)
	if _, err := base.Overlay("deploy.yaml", []byte(broken)); err == nil || !strings.Contains(err.Error(), `deploy.yaml:3: unknown formula "jobs"`) {
		t.Errorf("unknown formula: %v", err)
	}
	broken = strings.Replace(file, "groups: [graduate_of_year]", "groups: [everyone]", 1)
	if _, err := base.Overlay("deploy.yaml", []byte(broken)); err == nil || !strings.Contains(err.Error(), `deploy.yaml:8: unknown target group "everyone"`) {
		t.Errorf("unknown group: %v", err)
	}
}
