package rules_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// traceSample is the per-person formula's result, trace included, for
// a fixed sample of person-months (employees of every class and float,
// flexible workers, months of 2024-2027 around the bases' changes), as
// JSON lines.
func traceSample(t *testing.T) []byte {
	p, err := rules.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(13, 17))
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for i := 0; i < 400; i++ {
		x := randomPerson(r)
		in := rules.ContributionInput{Division: x.Division, Period: x.Period, Wage: x.Wage, Kind: x.Kind,
			RiskClass: x.RiskClass, Float: decimal.New(int64(x.FloatPct), -2)}
		res, err := p.Contribution(in, true)
		if err != nil {
			b.WriteString("error: " + err.Error() + "\n")
			continue
		}
		if err := enc.Encode(res); err != nil {
			t.Fatal(err)
		}
	}
	return []byte(b.String())
}

// goldenTraceSample is the SHA-256 of traceSample as the per-person path
// produces it: the results and every step of the traces must stay exactly
// the same. It was last set when steps changed from English sentences to
// message keys with typed arguments (rules/msg); the results and the
// English line of every step of the sample (Step.String) were checked to
// be byte for byte those of before (the previous hash was 97d45ccd…8e2).
const goldenTraceSample = "93c7c21ec2c079f623a51da0cab1d20be1e2743d8dcdf42f68afb2a6d5f4d3d5"

// TestTraceUnchanged: the per-person results and traces of a fixed sample
// are exactly those of before, and one trace reads as it did.
func TestTraceUnchanged(t *testing.T) {
	sum := sha256.Sum256(traceSample(t))
	if got := hex.EncodeToString(sum[:]); got != goldenTraceSample {
		t.Errorf("the per-person results or traces changed: SHA-256 %s, want %s", got, goldenTraceSample)
	}
	p, _ := rules.Embedded()
	res, err := p.Contribution(rules.ContributionInput{Division: "330402", Period: period.New(2025, 3), Wage: money.Yuan(6500),
		Kind: rules.KindEmployee, RiskClass: 3, Float: money.MustDec("1.2")}, true)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, s := range res.Trace {
		lines = append(lines, s.String())
	}
	if got := strings.Join(lines, "\n"); got != goldenTrace {
		t.Errorf("trace:\n%s\nwant:\n%s", got, goldenTrace)
	}
}

// goldenTrace is the trace of one employee as it read before.
const goldenTrace = `input     division = 330402
input     period = 2025-03
input     wage = 6500.00
input     kind = employee
input     risk_class = 3
input     float = 1.2
parameter contribution.average_wage_lag = 12  [330000, from 2019-05-01, unverified; 国办发〔2019〕13号; RULES.md §3 (2023 wage → 2024 ceiling)]
parameter contribution.average_wage = 8433  [330000, from 2024-01-01, supported; Zhejiang statistics bureau, 2024 average wage (RULES.md §3)]
note      bases for 2025-03 use the average wage in force on 2024-03-01 (12 months earlier)
parameter contribution.base_ceiling_ratio = 3  [100000, from 2019-05-01, supported; 国办发〔2019〕13号]
value     base_ceiling = 25299.00  (8433.00 × 3, half-up to the fen)
parameter contribution.base_floor = 4462  [330000, from 2024-01-01, unverified; RULES.md §3 (Zhejiang 2024 floor)]
value     base_floor = 4462.00  (explicit floor in force (Zhejiang's transition below 60%))
value     base = 6500.00  (wage 6500.00 clamped to [4462.00, 25299.00])
parameter pension.individual_rate = 0.08  [100000, from 2006-01-01, supported; 国发〔2005〕38号 第三条]
value     pension.individual = 520.00  (6500.00 × 0.08, half-up to the fen)
parameter pension.employer_rate = 0.16  [330000, from 2023-01-01, unverified; 国办发〔2019〕13号; RULES.md §3 (converged to 16%, date to confirm)]
value     pension.employer = 1040.00  (6500.00 × 0.16, half-up to the fen)
parameter medical.individual_rate = 0.02  [100000, from 2019-05-01, supported; 国发〔1998〕44号; 国办发〔2019〕10号]
value     medical.individual = 130.00  (6500.00 × 0.02, half-up to the fen)
parameter medical.employer_rate = 0.075  [330400, from 2019-05-01, unverified; hrss default, no source (RULES.md §3 gives no Jiaxing rate)]
value     medical.employer = 487.50  (6500.00 × 0.075, half-up to the fen)
parameter unemployment.individual_rate = 0.005  [100000, from 2019-05-01, unverified; RULES.md §3 (reduced rate extended year by year)]
value     unemployment.individual = 32.50  (6500.00 × 0.005, half-up to the fen)
parameter unemployment.employer_rate = 0.005  [100000, from 2019-05-01, unverified; RULES.md §3 (reduced rate extended year by year)]
value     unemployment.employer = 32.50  (6500.00 × 0.005, half-up to the fen)
parameter work_injury.base_rate[3] = 0.007  [100000, from 2015-10-01, supported; 人社部发〔2015〕71号]
parameter work_injury.float_min[3] = 0.5  [100000, from 2015-10-01, unverified; 人社部发〔2015〕71号 (float levels per RULES.md §3)]
parameter work_injury.float_max[3] = 1.5  [100000, from 2015-10-01, unverified; 人社部发〔2015〕71号 (float levels per RULES.md §3)]
value     work_injury.employer = 54.60  (6500.00 × 0.0084 (class 3 base rate 0.007 × float 1.2), half-up to the fen)
value     employer_total = 1614.60  (sum of the employer lines)
value     individual_total = 682.50  (sum of the individual lines)
parameter pension.account_rate = 0.08  [100000, from 2006-01-01, supported; 国发〔2005〕38号 第三条]
value     account_credit = 520.00  (6500.00 × 0.08 to the personal account, half-up to the fen)`
