package access

import (
	"context"
	"strings"
	"testing"
	"time"

	"hrss/rules/fault"
)

// defaultParams are the production parameters, kept before TestMain
// makes hashing cheap for the other tests.
var defaultParams = DefaultHashParams

func TestHashPassword(t *testing.T) {
	h := hashWith(defaultParams, "correct horse battery")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q is not PHC argon2id with the default parameters", h)
	}
	if ok, err := CheckPassword(h, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password refused: %v %v", ok, err)
	}
	for _, wrong := range []string{"", "correct horse batter", "Correct horse battery", "correct horse battery "} {
		if ok, err := CheckPassword(h, wrong); ok || err != nil {
			t.Errorf("wrong password %q accepted (%v)", wrong, err)
		}
	}
	if h2 := hashWith(defaultParams, "correct horse battery"); h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestHashKeepsItsParameters(t *testing.T) {
	cheap := HashParams{Time: 1, Memory: 64, Threads: 1, KeyLen: 16, SaltLen: 8}
	h := hashWith(cheap, "pässwörd-ü")
	if ok, err := CheckPassword(h, "pässwörd-ü"); !ok || err != nil {
		t.Fatalf("a hash with other parameters must still verify: %v %v", ok, err)
	}
}

func TestMalformedHash(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2i$v=19$m=65536,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=65536,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=3,p=2$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=65536,t=3,p=2$!!$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if ok, err := CheckPassword(h, "x"); ok || err == nil {
			t.Errorf("malformed hash %q: got %v, %v; want an error", h, ok, err)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	if CheckPasswordRules("short") == nil || CheckPasswordRules(strings.Repeat("x", MaxPassword+1)) == nil || CheckPasswordRules("\xff\xfe0123456789") == nil {
		t.Error("bad passwords accepted")
	}
	if err := CheckPasswordRules("十个汉字的密码很长的"); err != nil {
		t.Errorf("ten characters refused: %v", err)
	}
}

func TestLockoutFor(t *testing.T) {
	cases := map[int]time.Duration{0: 0, 4: 0, 5: time.Minute, 6: 2 * time.Minute, 7: 4 * time.Minute, 10: 32 * time.Minute, 11: time.Hour, 50: time.Hour, 1000: time.Hour}
	for n, want := range cases {
		if got := LockoutFor(n); got != want {
			t.Errorf("LockoutFor(%d) = %v, want %v", n, got, want)
		}
	}
}

func TestRandomPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		p := RandomPassword(16)
		if len(p) != 16 || strings.Trim(p, passwordAlphabet) != "" || seen[p] {
			t.Fatalf("bad or repeated random password %q", p)
		}
		seen[p] = true
	}
}

func TestEntryHashCoversEveryField(t *testing.T) {
	base := Entry{Seq: 7, At: time.Date(2026, 3, 1, 9, 0, 0, 123456000, time.UTC), UserID: 3, Actor: "cw", Role: Caseworker,
		Action: "person.view", Object: "person/1", Subjects: []int64{1}, IP: "10.0.0.1", Reason: "窗口咨询", PrevHash: genesis}
	h := base.ComputeHash()
	edits := []func(e *Entry){
		func(e *Entry) { e.Seq++ }, func(e *Entry) { e.At = e.At.Add(time.Microsecond) }, func(e *Entry) { e.UserID++ },
		func(e *Entry) { e.Actor = "cx" }, func(e *Entry) { e.Role = Reviewer }, func(e *Entry) { e.Action = "person.update" },
		func(e *Entry) { e.Object = "person/2" }, func(e *Entry) { e.Subjects = []int64{1, 2} }, func(e *Entry) { e.IP = "10.0.0.2" },
		func(e *Entry) { e.Reason = "" }, func(e *Entry) { e.PrevHash = Digest(make([]byte, 31)) },
		func(e *Entry) { e.Actor, e.Role = "cw\"\ncaseworker", "" }, // no field can bleed into the next
	}
	for i, edit := range edits {
		e := base
		edit(&e)
		if string(e.ComputeHash()) == string(h) {
			t.Errorf("edit %d does not change the hash", i)
		}
	}
	if string(base.ComputeHash()) != string(h) {
		t.Error("hash is not deterministic")
	}
}

func TestCallerScope(t *testing.T) {
	cw := Caller{Role: Caseworker, Divisions: []string{"330402"}}
	city := Caller{Role: Reviewer, Divisions: []string{CityWide}}
	agent := Caller{Role: EmployerAgent, EmployerID: 5, Divisions: []string{"330402"}} // divisions ignored for agents
	switch {
	case !cw.InDivision("330402") || cw.InDivision("330411") || cw.InDivision(""):
		t.Error("caseworker divisions")
	case !city.InDivision("330411") || city.ScopeDivisions() != nil:
		t.Error("city-wide reviewer")
	case agent.InDivision("330402"):
		t.Error("an employer agent reaches no division")
	case !System.InDivision("330483") || !System.Can(RevealIdentity) || !System.Can(ReadAudit) || System.Can(ApprovePayments):
		t.Error("system")
	case agent.Can(RevealIdentity) || (Caller{Role: Citizen}).Can(RevealIdentity) || !cw.Can(RevealIdentity):
		t.Error("whole resident IDs")
	}
	for _, r := range Roles {
		c := Caller{Role: r}
		if c.Can(ReadAudit) != (r == Auditor) || c.Can(ManageUsers) != (r == Administrator) {
			t.Errorf("%s: audit and user management belong to one role each", r)
		}
		if (r == Analyst || r == Administrator || r == Auditor) && c.Can(ReadPersons) {
			t.Errorf("%s must not read persons", r)
		}
		if c.Can(ApprovePayments) != (r == Reviewer) {
			t.Errorf("%s: only reviewers approve payments", r)
		}
	}
}

func TestFourEyes(t *testing.T) {
	rev := WithCaller(context.Background(), Caller{UserID: 7, Role: Reviewer, Divisions: []string{"330402"}})
	if _, err := RequireApprover(rev, 8); err != nil {
		t.Errorf("another's work: %v", err)
	}
	if _, err := RequireApprover(rev, 7); fault.KindOf(err) != fault.Forbidden {
		t.Errorf("own work approved: %v", err)
	}
	for _, c := range []Caller{System, {UserID: 9, Role: Caseworker, Divisions: []string{"330402"}}} {
		if _, err := RequireApprover(WithCaller(context.Background(), c), 8); fault.KindOf(err) != fault.Forbidden {
			t.Errorf("%s approved a payment: %v", c.Role, err)
		}
	}
	if _, err := RequireApprover(context.Background(), 8); fault.KindOf(err) != fault.Unauthorized {
		t.Errorf("no caller: %v", err)
	}
}
