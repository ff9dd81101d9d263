package msg_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// TestCatalogueComplete: every key has a text in every language, and the
// texts of a key have the same placeholders (a {x_zh} of the Chinese
// standing for the {x_en} of the English).
func TestCatalogueComplete(t *testing.T) {
	keys := msg.Keys()
	if len(keys) < 100 {
		t.Fatalf("the catalogue has %d keys", len(keys))
	}
	for _, k := range keys {
		var sets [][]string
		for _, l := range msg.Langs {
			text, ok := msg.Template(l, k)
			if !ok || strings.TrimSpace(text) == "" {
				t.Errorf("%s has no %s text", k, l)
			}
			var ph []string
			for _, p := range msg.Placeholders(text) {
				p = strings.TrimSuffix(strings.TrimSuffix(p, "_zh"), "_en")
				if !slices.Contains(ph, p) {
					ph = append(ph, p)
				}
			}
			slices.Sort(ph)
			sets = append(sets, ph)
		}
		// An English line names a step by its name, a Chinese one by its
		// label as well.
		if !slices.Equal(sets[0], sets[1]) && !strings.HasPrefix(k, "line.") {
			t.Errorf("%s: the texts' placeholders differ: %v and %v", k, sets[0], sets[1])
		}
		zh, _ := msg.Template(msg.ZH, k)
		if !strings.HasPrefix(k, "line.") && !strings.HasPrefix(k, "sep.") && !hasHan(zh) && !strings.HasPrefix(k, "word.") {
			t.Errorf("%s: the Chinese text %q has no Chinese", k, zh)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

// TestRender: arguments are written by kind and language; a missing key
// shows as itself with its arguments.
func TestRender(t *testing.T) {
	args := []msg.Arg{msg.Fen("base", money.Yuan(6500)), msg.Dec("rate", money.MustDec("0.08"))}
	if got, want := msg.Render(msg.ZH, "trace.contribution.line", args...), "6500.00 × 0.08，四舍五入到分"; got != want {
		t.Errorf("zh: %q, want %q", got, want)
	}
	if got, want := msg.Render(msg.EN, "trace.contribution.line", args...), "6500.00 × 0.08, half-up to the fen"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := msg.Render(msg.ZH, "no.such.key", msg.Int("n", 3)), "no.such.key n=3"; got != want {
		t.Errorf("missing key: %q, want %q", got, want)
	}
	if got := msg.Age("a", 63*12+3).In(msg.ZH); got != "63岁3个月" {
		t.Errorf("age in zh: %q", got)
	}
	if got := msg.Bool("b", true).In(msg.ZH); got != "是" {
		t.Errorf("bool in zh: %q", got)
	}
}

// TestArgJSON: every kind of argument reads back from its JSON.
func TestArgJSON(t *testing.T) {
	in := []msg.Arg{msg.Text("t", "330402"), msg.Fen("f", -12345), msg.Dec("d", money.MustDec("0.0084")), msg.Int("i", 7),
		msg.Date("day", period.Date{Y: 2024, M: 2, D: 29}), msg.Month("m", period.New(2025, 3)), msg.Bool("b", true),
		msg.Label("l", "category.male"), msg.Age("a", 725), msg.Points("p", 9149)}
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var back []msg.Arg
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("read back as %s, not %s", again, data)
	}
	if !strings.Contains(string(data), `{"name":"f","kind":"money","value":"-123.45"}`) {
		t.Errorf("JSON %s", data)
	}
	if err := json.Unmarshal([]byte(`[{"name":"x","kind":"colour","value":"red"}]`), &back); err == nil {
		t.Error("an unknown kind reads")
	}
}

// TestParseAndLocale: language codes and the environment's locale.
func TestParseAndLocale(t *testing.T) {
	for code, want := range map[string]msg.Lang{"zh": msg.ZH, "zh-CN": msg.ZH, "zh_CN.UTF-8": msg.ZH, "en": msg.EN, "en-GB": msg.EN} {
		if got, ok := msg.Parse(code); !ok || got != want {
			t.Errorf("Parse(%q) = %q, %v", code, got, ok)
		}
	}
	if _, ok := msg.Parse("fr"); ok {
		t.Error("fr parses")
	}
	for _, c := range []struct {
		all, messages, lang string
		want                msg.Lang
	}{
		{"", "", "zh_CN.UTF-8", msg.ZH}, {"", "", "en_US.UTF-8", msg.EN}, {"C", "", "zh_CN.UTF-8", msg.EN},
		{"", "zh_TW.UTF-8", "en_US.UTF-8", msg.ZH}, {"", "", "", msg.EN},
	} {
		t.Setenv("LC_ALL", c.all)
		t.Setenv("LC_MESSAGES", c.messages)
		t.Setenv("LANG", c.lang)
		if got := msg.FromLocale(); got != c.want {
			t.Errorf("LC_ALL=%q LC_MESSAGES=%q LANG=%q: %s, want %s", c.all, c.messages, c.lang, got, c.want)
		}
	}
}
