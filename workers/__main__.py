from workers.cli.app import app

app(prog_name="newsflow")
