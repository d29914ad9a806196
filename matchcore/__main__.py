from matchcore.cli.root import run

run()
