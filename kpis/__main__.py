"""``python -m kpis``: regenerate the files the KPI registry owns."""
from kpis.generate import write

for path in write():
    print(f"wrote {path}")
