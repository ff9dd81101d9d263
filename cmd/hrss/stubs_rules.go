package main

// Placeholder until the rules commands land (owned by the rules work).
func runRules(g *globals, args []string) error    { return errUsage }
func runSimulate(g *globals, args []string) error { return errUsage }
