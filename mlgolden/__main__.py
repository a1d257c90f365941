from mlgolden.cli import main

main()
