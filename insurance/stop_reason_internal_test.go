package insurance

import (
	"strings"
	"testing"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// TestStopReasonMessages: a claim's stop reason is messages of the
// catalogue (claim.stop.*) with their arguments, for every ground and
// every part (carried months, owed, overpaid, medical to reclaim); it
// reads back from what the database keeps, and a sentence stored before
// keys shows as it is; every claim.stop.* key is emitted.
func TestStopReasonMessages(t *testing.T) {
	used := map[string]bool{}
	day := period.Date{Y: 2024, M: 8, D: 12}
	for i, g := range []StopGround{StopReemployed, StopMilitary, StopEmigration, StopPension, StopRefusedWork} {
		ev := StopEvent{Ground: g, Day: day, Source: "employment/7", Rule: "社会保险法 第五十一条"}
		why := stopReason(ev, 9, money.Fen(1200*(i%2)), money.Fen(3000*((i+1)%2)), 500)
		for _, m := range why {
			used[m.Key] = true
			if err := msg.Check(m.Key, m.Args...); err != nil {
				t.Error(err)
			}
			for _, a := range m.Args {
				if a.Kind == msg.KLabel {
					used[a.Value()] = true
				}
			}
		}
		back := rules.StoredWhy(why.Stored())
		if back.In(msg.ZH) != why.In(msg.ZH) || !strings.Contains(back.In(msg.EN), "from 2024-08-12 (employment/7") {
			t.Errorf("read back as %q", back.In(msg.EN))
		}
	}
	if old := rules.StoredWhy("reemployed from 2024-08-12 (employment/7)"); old.In(msg.ZH) != "reemployed from 2024-08-12 (employment/7)" {
		t.Errorf("a stored sentence shows as %q", old.In(msg.ZH))
	}
	for _, k := range msg.Keys() {
		if strings.HasPrefix(k, "claim.stop.") && !used[k] {
			t.Errorf("catalogue key %s is emitted by no stop here", k)
		}
	}
}
