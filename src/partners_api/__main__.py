from partners_api.cli.main import cli

cli()
