package main

import (
	"fmt"
	"io"
	"testing"
)

// TestUnemploymentRefusalsCLI: hrss unemployment refuse records a refusal
// on an active registration, refusals prints it with the registration,
// and a bad offer is refused naming the field (exit 2), writing nothing.
func TestUnemploymentRefusalsCLI(t *testing.T) {
	g := jobsCity(t)
	var regs []struct {
		ID int64 `json:"id"`
	}
	runJSON(t, append(g, "unemployment", "list", "--status", "active", "--limit", "1", "--json"), &regs)
	if len(regs) != 1 {
		t.Fatalf("%d active registrations", len(regs))
	}
	id := fmt.Sprint(regs[0].ID)
	if code := run(append(g, "unemployment", "refuse", "--offer", "job", "--note", "x", id), nil, io.Discard, io.Discard); code != 2 {
		t.Errorf("a bad offer: exit %d, want 2", code)
	}
	var rf struct {
		ID    int64  `json:"id"`
		Offer string `json:"offer"`
	}
	runJSON(t, append(g, "unemployment", "refuse", "--offer", "training", "--note", "forklift course near home, refused without a reason", id), &rf)
	if rf.ID == 0 || rf.Offer != "training" {
		t.Fatalf("refusal %+v", rf)
	}
	var got struct {
		Registration struct {
			ID int64 `json:"id"`
		} `json:"registration"`
		Refusals []struct {
			ID   int64  `json:"id"`
			Note string `json:"note"`
		} `json:"refusals"`
	}
	runJSON(t, append(g, "unemployment", "refusals", id), &got)
	if got.Registration.ID != regs[0].ID || len(got.Refusals) != 1 || got.Refusals[0].ID != rf.ID {
		t.Fatalf("refusals of %s: %+v", id, got)
	}
}
