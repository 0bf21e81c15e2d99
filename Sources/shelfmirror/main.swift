import ShelfMirrorCLI

await CLI.main()
