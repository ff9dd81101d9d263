package main

import (
	"bufio"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// peerScript is the NumPy peer (peer.py beside this file).
//
//go:embed peer.py
var peerScript []byte

// findPython returns the first interpreter that imports NumPy, and the
// ones tried: $HRSS_PYTHON alone if it is set, else python3 on PATH and
// /usr/bin/python3 (Debian's, where python3-numpy installs; a pyenv
// python3 on PATH often lacks NumPy).
func findPython() (string, []string) {
	candidates := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("HRSS_PYTHON"); p != "" {
		candidates = []string{p}
	}
	var tried []string
	for _, c := range candidates {
		tried = append(tried, c)
		if exec.Command(c, "-c", "import numpy").Run() == nil {
			return c, tried
		}
	}
	return "", tried
}

// runPeer runs the NumPy peer over the same person-months as hrss and
// returns its median time. Without a python3 that has NumPy it returns 0
// and a note saying how to get one; a peer whose totals differ from
// hrss's (out, the assessment of persons) is an error.
func runPeer(p *rules.Params, persons []rules.Person, out *rules.Assessment, runs int) (time.Duration, string, error) {
	const name = "NumPy peer (bench/rules/peer.py)"
	py, tried := findPython()
	if py == "" {
		note := fmt.Sprintf("skipped: no python3 with NumPy (tried %s); install Debian's python3-numpy (apt-get install python3-numpy) or point HRSS_PYTHON at a python with NumPy", strings.Join(tried, ", "))
		fmt.Printf("%-46s %s\n", name, note)
		return 0, note, nil
	}
	dir, err := os.MkdirTemp("", "hrss-bench-peer-")
	if err != nil {
		return 0, "", err
	}
	defer os.RemoveAll(dir)
	script, data := filepath.Join(dir, "peer.py"), filepath.Join(dir, "input.bin")
	if err := os.WriteFile(script, peerScript, 0o644); err != nil {
		return 0, "", err
	}
	var want [rules.NumLines]money.Fen
	for _, d := range out.Totals.Amount {
		for l, v := range d {
			want[l] += v
		}
	}
	if err := writePeerInput(data, p, persons, want, runs); err != nil {
		return 0, "", fmt.Errorf("NumPy peer input: %w", err)
	}
	cmd := exec.Command(py, script, data)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdout, err := cmd.Output()
	if err != nil {
		return 0, "", fmt.Errorf("NumPy peer (%s) failed: %v\n%s", py, err, stderr.String())
	}
	var version string
	var nRuns int
	var ns, total int64
	if _, err := fmt.Sscanf(string(stdout), "numpy %s runs %d median_ns %d total %d", &version, &nRuns, &ns, &total); err != nil {
		return 0, "", fmt.Errorf("NumPy peer: unexpected output %q: %v", stdout, err)
	}
	var sum money.Fen
	for _, v := range want {
		sum += v
	}
	if money.Fen(total) != sum {
		return 0, "", fmt.Errorf("NumPy peer: total %s, hrss %s", money.Fen(total), sum)
	}
	d := time.Duration(ns)
	fmt.Printf("%-46s %9s %8.1f ns/person  (numpy %s, %s, median of %d; totals equal hrss's to the fen: %s)\n",
		name, d.Round(10*time.Microsecond), float64(ns)/float64(len(persons)), version, py, nRuns, sum)
	return d, "", nil
}

// peerArray is one array of the peer's input, as its header lists it.
type peerArray struct {
	Name  string `json:"name"`
	DType string `json:"dtype"` // NumPy's: "<i8", "<i4", "<u2", "|u1"
	Count int    `json:"count"`
	data  any    // a slice of fixed-size integers, written little-endian
}

// writePeerInput writes the person-months and their rates for the peer:
// a JSON header line, then each array, little-endian. A row's slot is
// (period index) × divisions + division index; each slot's floor,
// ceiling and rates are read with the public per-person formula
// (BaseLimits, Contribution), so the peer shares no code with the
// columnar engine it is checked against.
func writePeerInput(path string, p *rules.Params, persons []rules.Person, totals [rules.NumLines]money.Fen, runs int) error {
	first, last := persons[0].Period, persons[0].Period
	for _, x := range persons {
		first, last = min(first, x.Period), max(last, x.Period)
	}
	divIndex := map[string]int{}
	for i, d := range divisions {
		divIndex[d] = i
	}
	nd, slots := len(divisions), (int(last-first)+1)*len(divisions)
	floor, ceiling, flex := make([]int64, slots), make([]int64, slots), make([]int64, slots)
	var ppm [6][]int64
	for l := range ppm {
		ppm[l] = make([]int64, slots)
	}
	wi := make([]int64, slots*9) // by slot and class 0-8; class 0 (flexible) stays 0
	for s := 0; s < slots; s++ {
		if err := peerSlot(p, divisions[s%nd], first.Add(s/nd), s, floor, ceiling, flex, ppm[:], wi); err != nil {
			return err
		}
	}
	n := len(persons)
	slot, wage := make([]int32, n), make([]int64, n)
	kind, class, enrolled, float := make([]uint8, n), make([]uint8, n), make([]uint8, n), make([]uint16, n)
	for i, x := range persons {
		d, ok := divIndex[x.Division]
		if !ok || x.Period == 0 {
			return fmt.Errorf("row %d: division %s or period %s not in the peer's slots", i+1, x.Division, x.Period)
		}
		slot[i], wage[i], kind[i] = int32(int(x.Period-first)*nd+d), int64(x.Wage), uint8(x.Kind)
		// the defaults of rules.Population.Append
		fl, e := x.FloatPct, x.Enrolled
		if fl == 0 {
			fl = 100
		}
		if e == 0 {
			e = rules.EnrolledAll
		}
		if x.Kind == rules.KindFlexible {
			x.RiskClass, fl, e = 0, 100, rules.EnrolledAll
		}
		class[i], float[i], enrolled[i] = uint8(x.RiskClass), uint16(fl), uint8(e)
	}
	arrays := []peerArray{
		{"floor", "<i8", slots, floor}, {"ceiling", "<i8", slots, ceiling}, {"flex_ppm", "<i8", slots, flex},
		{"ppm0", "<i8", slots, ppm[0]}, {"ppm1", "<i8", slots, ppm[1]}, {"ppm2", "<i8", slots, ppm[2]},
		{"ppm3", "<i8", slots, ppm[3]}, {"ppm4", "<i8", slots, ppm[4]}, {"ppm5", "<i8", slots, ppm[5]},
		{"wi_ppm", "<i8", len(wi), wi},
		{"slot", "<i4", n, slot}, {"wage", "<i8", n, wage}, {"kind", "|u1", n, kind},
		{"class", "|u1", n, class}, {"float", "<u2", n, float}, {"enrolled", "|u1", n, enrolled},
	}
	header, err := json.Marshal(struct {
		N      int         `json:"n"`
		Runs   int         `json:"runs"`
		Totals []int64     `json:"totals"`
		Arrays []peerArray `json:"arrays"`
	}{n, runs, fenInts(totals[:]), arrays})
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.Write(header)
	w.WriteByte('\n')
	for _, a := range arrays {
		if err := binary.Write(w, binary.LittleEndian, a.data); err != nil {
			f.Close()
			return err
		}
	}
	return errors.Join(w.Flush(), f.Close())
}

// peerSlot reads the limits and rates of one (division, period) slot with
// the per-person formula: an employee of each risk class at float 1 gives
// the six rates and the class's work-injury rate, a flexible worker the
// flexible rate.
func peerSlot(p *rules.Params, div string, at period.YearMonth, s int, floor, ceiling, flex []int64, ppm [][]int64, wi []int64) error {
	lo, hi, err := p.BaseLimits(div, at)
	if err != nil {
		return err
	}
	floor[s], ceiling[s] = int64(lo), int64(hi)
	one := money.MustDec("1")
	for c := 1; c <= 8; c++ {
		res, err := p.Contribution(rules.ContributionInput{Division: div, Period: at, Wage: lo, Kind: rules.KindEmployee, RiskClass: c, Float: one}, false)
		if err != nil {
			return err
		}
		for l, line := range res.Lines[:6] {
			if ppm[l][s], err = toPPM(line.Rate); err != nil {
				return err
			}
		}
		if wi[s*9+c], err = toPPM(res.Lines[rules.WorkInjuryEmployer].Rate); err != nil {
			return err
		}
	}
	res, err := p.Contribution(rules.ContributionInput{Division: div, Period: at, Wage: lo, Kind: rules.KindFlexible}, false)
	if err != nil {
		return err
	}
	flex[s], err = toPPM(res.Lines[0].Rate)
	return err
}

// toPPM returns a rate in parts per million, which must be whole.
func toPPM(rate money.Dec) (int64, error) {
	s := rate.Shift(6)
	if !s.IsInteger() {
		return 0, fmt.Errorf("rate %s has more than six decimals", rate)
	}
	return s.IntPart(), nil
}

func fenInts(fs []money.Fen) []int64 {
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = int64(f)
	}
	return out
}
