from workers.cli import app

app(prog_name="newsflow")
