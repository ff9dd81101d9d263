package main

func runServe(g *globals, args []string) error   { return errUsage }
func runDemo(g *globals, args []string) error    { return errUsage }
func runMigrate(g *globals, args []string) error { return errUsage }
