import RemsimCLI

Remsim.main()
