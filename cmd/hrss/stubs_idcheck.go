package main

// Placeholder until idcheck lands (owned by the identifiers work).
func runIdcheck(g *globals, args []string) error { return errUsage }
