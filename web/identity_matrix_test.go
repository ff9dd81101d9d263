package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"

	"hrss/access"
	"hrss/store"
	"hrss/store/storetest"
)

// The authorization matrix's rule for personal numbers (PIPL's minimum
// necessary), on the screens and their exports: every list, search, page
// and download masks the resident IDs and phone numbers for every role,
// caseworkers included (the API's reads are scanned by
// TestAuthorizationMatrix); the whole numbers appear only on one person's
// record revealed for a reason, or in an export with a reason, to the
// roles with access.RevealIdentity, each audited with the reason, and are
// refused to the others.

// screenReads are the browser's reads that show persons: lists,
// searches, pages and their Excel downloads.
func screenReads(w *world) []string {
	a, b, c, e1, e2 := id(w.pA.ID), id(w.pB.ID), id(w.pC.ID), id(w.e1.ID), id(w.e2.ID)
	return []string{
		"/persons?name=" + url.QueryEscape("甲"), "/persons?name=" + url.QueryEscape("丙"), "/persons?division=330402", "/persons?division=330411",
		"/persons.xlsx?division=330402", "/persons.xlsx?division=330411", "/persons.xlsx?name=" + url.QueryEscape("丙"),
		"/persons/" + a, "/persons/" + b, "/persons/" + c,
		"/employers/" + e1, "/employers/" + e2, "/employers/" + e1 + "/employees.xlsx",
		"/graduates?division=330402", "/graduates.xlsx?division=330402",
		"/claims", "/claims.xlsx", "/grants", "/grants.xlsx",
		"/pension?person=" + a, "/seekers/new?person=" + a,
		"/audit?person=" + a, "/audit.xlsx?person=" + a,
	}
}

// text returns what a body shows: an Excel workbook's parts unzipped.
func text(t *testing.T, body []byte) []byte {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		return body // not a workbook
	}
	var out bytes.Buffer
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(&out, r)
		r.Close()
	}
	return out.Bytes()
}

func TestScreensMaskPersonalNumbers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shown := 0
		for _, role := range access.Roles {
			for _, path := range screenReads(w) {
				res := w.a.do(t, w.tokens[role], "GET", path, "", nil)
				body := text(t, res.body)
				w.noWholeNumber(t, fmt.Sprintf("GET %s as %s (%d)", path, role, res.status), body)
				if res.status == 200 && bytes.Contains(body, []byte(w.pA.ResidentID.Masked())) {
					shown++
				}
			}
		}
		if shown < 8 {
			t.Errorf("only %d screens showed person A's masked number: the scan looks at too little", shown)
		}
	})
}

// TestRevealIsAudited: the reveal of one record (screen and API) and the
// export with whole numbers take a reason and a role that needs them, and
// each is audited with its reason.
func TestRevealIsAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a := id(w.pA.ID)
		form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		whole := []string{string(w.pA.ResidentID), w.pA.Phone}
		holds := func(body []byte) bool {
			return bytes.Contains(body, []byte(whole[0])) && bytes.Contains(body, []byte(whole[1]))
		}
		reasons := map[string]int{}
		for _, role := range access.Roles {
			may := (access.Caller{Role: role}).Can(access.RevealIdentity)
			tok := w.tokens[role]
			for _, c := range []struct {
				what, method, path, body string
				hdr                      map[string]string
				reason                   string // "" : none given
				action                   string
			}{
				{"screen", "POST", "/persons/" + a + "/identity", "reason=" + url.QueryEscape("窗口核验 "+string(role)), form, "窗口核验 " + string(role), "person.reveal"},
				{"API query", "GET", "/api/v1/persons/" + a + "/identity?reason=" + url.QueryEscape("api "+string(role)), "", nil, "api " + string(role), "person.reveal"},
				{"API header", "GET", "/api/v1/persons/" + a + "/identity", "", map[string]string{"Hrss-Reason": "header " + string(role)}, "header " + string(role), "person.reveal"},
				{"export", "GET", "/persons.xlsx?division=330402&whole=1&reason=" + url.QueryEscape("export "+string(role)), "", nil, "export " + string(role), "person.export_whole"},
				{"screen without reason", "POST", "/persons/" + a + "/identity", "reason=+", form, "", ""},
				{"API without reason", "GET", "/api/v1/persons/" + a + "/identity", "", nil, "", ""},
				{"export without reason", "GET", "/persons.xlsx?division=330402&whole=1", "", nil, "", ""},
			} {
				where := fmt.Sprintf("%s as %s", c.what, role)
				res := w.a.do(t, tok, c.method, c.path, c.body, c.hdr)
				body := text(t, res.body)
				switch {
				case !may:
					w.noWholeNumber(t, where, body)
					if res.status != 403 {
						t.Errorf("%s: %d, want 403: %.200s", where, res.status, body)
					}
					if c.method == "GET" && (res.header.Get("Content-Type") != "application/problem+json" || !bytes.Contains(body, []byte(`"rule":"auth.permission"`))) {
						t.Errorf("%s: not a problem naming the rule: %s %.200s", where, res.header.Get("Content-Type"), body)
					}
				case c.reason == "":
					w.noWholeNumber(t, where, body)
					if res.status != 422 || !bytes.Contains(body, []byte("reason")) {
						t.Errorf("%s: %d, want 422 naming the reason: %.300s", where, res.status, body)
					}
					if c.what == "screen without reason" && (!bytes.Contains(body, []byte(w.pA.ResidentID.Masked())) || !bytes.Contains(body, []byte("请填写查看完整身份证号"))) {
						t.Errorf("%s: the page is not the masked record with the message: %.300s", where, body)
					}
				case res.status != 200 || !holds(body):
					t.Errorf("%s: %d without the whole numbers: %.300s", where, res.status, body)
				default:
					reasons[c.action+" "+c.reason]++
				}
			}
		}
		entries, err := w.a.acc.ListAudit(sysCtx, access.AuditFilter{PersonID: w.pA.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Action == "person.reveal" || e.Action == "person.export_whole" {
				reasons[e.Action+" "+e.Reason]--
				if !strings.Contains(e.Reason, string(e.Role)) {
					t.Errorf("a %s by a %s with the reason %q", e.Action, e.Role, e.Reason)
				}
			}
		}
		if len(reasons) != 8 { // 4 ways × caseworker and reviewer
			t.Errorf("%d reveals answered, want 8: %v", len(reasons), reasons)
		}
		for k, n := range reasons {
			if n != 0 {
				t.Errorf("%s: answered and audited differ by %d", k, n)
			}
		}
	})
}
