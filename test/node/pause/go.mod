// The pod sandbox ("pause") image's only binary, built locally because no registry is reachable.
module example.invalid/mcpregistry-pause

go 1.25.0
