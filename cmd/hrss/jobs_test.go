package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"hrss/demo"
	"hrss/registry/ident"
	"hrss/rules/period"
	"hrss/store"
	"hrss/store/storetest"
)

// jobsCity writes a small demo city, as of today (the CLI's clock), with
// its employment services, and returns the global flags that reach it.
func jobsCity(t *testing.T) []string {
	t.Helper()
	dbPath, keyPath := storetest.SQLitePath(t), filepath.Join(t.TempDir(), "hrss.key")
	ctx := systemContext(context.Background())
	key, err := ident.LoadKey("", keyPath)
	if err != nil {
		t.Fatal(err)
	}
	v, _ := ident.NewVault(key)
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cfg := demo.Config{Persons: 4000, Seed: 11, AsOf: period.FromTime(time.Now())}
	sink, _ := demo.WithJobs(db.Bulk(), cfg)
	if _, err := demo.Generate(ctx, cfg, v, sink, nil); err != nil {
		t.Fatal(err)
	}
	return []string{"--db", dbPath, "--key-file", keyPath}
}

func runJSON(t *testing.T, args []string, v any) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(args, nil, &out, &errb); code != 0 {
		t.Fatalf("hrss %v: exit %d: %s", args, code, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), v); err != nil {
		t.Fatalf("hrss %v: not JSON: %v\n%s", args, err, out.String())
	}
}

// TestJobsCLIContract checks the output the acceptance checks read.
func TestJobsCLIContract(t *testing.T) {
	g := jobsCity(t)
	var seekers []map[string]any
	runJSON(t, append(g, "seekers", "list", "--division", "330481", "--limit", "5", "--json"), &seekers)
	if len(seekers) == 0 || len(seekers) > 5 {
		t.Fatalf("%d seekers", len(seekers))
	}
	for _, s := range seekers {
		if s["id"] == nil || s["division"] != "330481" {
			t.Fatalf("seeker %v", s)
		}
	}
	var matches []map[string]any
	for _, s := range seekers {
		id := strconv.Itoa(int(s["id"].(float64)))
		runJSON(t, append(g, "match", "--seeker", id, "--top", "3", "--json"), &matches)
		if len(matches) > 0 {
			break
		}
	}
	if len(matches) == 0 || len(matches) > 3 {
		t.Fatalf("%d matches", len(matches))
	}
	m := matches[0]
	comps, _ := m["components"].(map[string]any)
	for _, k := range []string{"occupation", "skills", "education", "salary", "location", "experience"} {
		if _, ok := comps[k].(string); !ok {
			t.Fatalf("component %s missing: %v", k, m)
		}
	}
	if _, ok := m["score"].(string); !ok || m["vacancy_id"] == nil || m["matched_skills"] == nil || m["missing_skills"] == nil || m["explanation"] == "" {
		t.Fatalf("match %v", m)
	}
	// the explanation in --lang: the text and each message's text in Chinese, or English
	sid := strconv.Itoa(int(m["seeker_id"].(float64)))
	var zh, en []struct {
		Explanation string `json:"explanation"`
		Why         []struct {
			Key  string `json:"key"`
			Text string `json:"text"`
		} `json:"why"`
	}
	runJSON(t, append(g, "match", "--seeker", sid, "--top", "1", "--json", "--lang", "zh-CN"), &zh)
	runJSON(t, append(g, "match", "--seeker", sid, "--top", "1", "--json", "--lang", "en"), &en)
	if len(zh) != 1 || !strings.HasPrefix(zh[0].Explanation, "匹配度 ") || len(zh[0].Why) != 7 || zh[0].Why[0].Key != "match.score" || !strings.HasPrefix(zh[0].Why[1].Text, "职业 ") ||
		len(en) != 1 || !strings.HasPrefix(en[0].Explanation, "Score ") || !strings.HasPrefix(en[0].Why[1].Text, "occupation ") {
		t.Fatalf("explanations by --lang: %+v %+v", zh, en)
	}
	var text bytes.Buffer
	if code := run(append(g, "--lang", "zh-CN", "match", "--seeker", sid, "--top", "1"), nil, &text, &text); code != 0 || !strings.Contains(text.String(), "名次") || !strings.Contains(text.String(), "匹配度 ") {
		t.Fatalf("the text in Chinese: %d %s", code, text.String())
	}
	vid := strconv.Itoa(int(m["vacancy_id"].(float64)))
	var forVacancy []map[string]any
	runJSON(t, append(g, "match", "--vacancy", vid, "--top", "3", "--json"), &forVacancy)
	if len(forVacancy) == 0 || forVacancy[0]["seeker_id"] == nil {
		t.Fatalf("matches for vacancy %s: %v", vid, forVacancy)
	}
	var batch map[string]any
	runJSON(t, append(g, "match-batch", "--division", "330481", "--json"), &batch)
	if cov, _ := batch["coverage"].(map[string]any); cov["recommendations"].(float64) == 0 {
		t.Fatalf("batch %v", batch)
	}
	var fus []map[string]any
	runJSON(t, append(g, "graduates", "list", "--division", "330481", "--json"), &fus)
	var bad bytes.Buffer
	if code := run(append(g, "match", "--seeker", "0", "--json"), nil, &bad, &bad); code != 2 {
		t.Fatalf("match without a subject: exit %d, want 2", code)
	}
}
