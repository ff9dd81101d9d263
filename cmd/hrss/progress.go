package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progress draws a progress bar on a terminal and stays silent otherwise
// (logs and CI output keep only the final summary).
type progress struct {
	w     io.Writer
	label string
	start time.Time
	last  time.Time
	on    bool
}

// newProgress returns a progress bar on w, drawn only if w is a terminal.
func newProgress(w io.Writer, label string) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, label: label, start: time.Now(), on: ok && term.IsTerminal(int(f.Fd()))}
}

// update redraws the bar, at most ten times a second and always at the end.
func (p *progress) update(done, total int) {
	if !p.on || total <= 0 {
		return
	}
	now := time.Now()
	if done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	const width = 30
	n := done * width / total
	el := now.Sub(p.start)
	eta := ""
	if done > 0 && done < total {
		eta = fmt.Sprintf(" eta %s", (time.Duration(float64(el) * float64(total-done) / float64(done))).Round(time.Second))
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d %s%s   ", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), done, total, el.Round(time.Second), eta)
	if done >= total {
		fmt.Fprintln(p.w)
	}
}
