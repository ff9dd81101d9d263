package main

// Placeholder until the demo generator lands.
func runDemo(g *globals, args []string) error { return errUsage }
