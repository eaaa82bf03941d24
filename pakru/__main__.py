from pakru.cli import main

main()
