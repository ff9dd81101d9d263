package main

// Placeholder until hrss simulate lands (owned by the simulation wiring work).
func runSimulate(g *globals, args []string) error { return errUsage }
