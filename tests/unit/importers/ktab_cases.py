"""KTAB's two example cases, re-typed (the numbers are facts; the files are not copied).

Source: KTAB, the KAPSARC Toolkit for Behavioral Analysis, in the lsyaseen/KTAB fork of
KAPSARC/KTAB on GitHub (commit 3b5b063), examples/smp/doc/dummyData_3Dim.csv and
examples/smp/doc/SOE-Pol-Comp.csv; KTAB's own echo of what it read is in
examples/smp/doc/20170530_ref-dummyData_3Dim.txt and 20170530_ref-SOE-Pol-Comp.txt.
Each actor: (code, description, influence, [(position, salience) per dimension]).
"""

from __future__ import annotations

DUMMY_3DIM = {
    "file": "dummyData_3Dim.csv",
    "scenario": "DummyData_3Dim",
    "description": "Dummy scenario to test reading format",
    "influence_column": "Power",
    "dimensions": [("Pstn1", "Sal1"), ("Pstn2", "Sal2"), ("Pstn3", "Sal3")],
    "actors": [
        (
            "SActor-00",
            "Random Spatial Actor",
            102.543,
            [(75.79, 49.53), (6.37, 5.91), (70.45, 28.15)],
        ),
        (
            "SActor-01",
            "Random Spatial Actor",
            53.393,
            [(82.72, 30.33), (73.50, 21.22), (64.00, 24.79)],
        ),
        (
            "SActor-02",
            "Random Spatial Actor",
            129.643,
            [(82.45, 48.47), (90.89, 13.55), (0.07, 34.62)],
        ),
        (
            "SActor-03",
            "Random Spatial Actor",
            75.920,
            [(62.52, 20.76), (50.82, 39.24), (62.33, 22.21)],
        ),
        (
            "SActor-04",
            "Random Spatial Actor",
            63.224,
            [(82.34, 40.96), (45.77, 25.43), (73.31, 22.59)],
        ),
        (
            "SActor-05",
            "Random Spatial Actor",
            120.048,
            [(84.48, 22.92), (33.70, 39.35), (88.11, 15.42)],
        ),
        (
            "SActor-06",
            "Random Spatial Actor",
            54.178,
            [(70.96, 31.75), (33.46, 27.93), (90.36, 26.03)],
        ),
    ],
}

SOE_POL_COMP = {
    "file": "SOE-Pol-Comp.csv",
    "scenario": "China Policy/Competitive; scen 2",
    "description": "Scenario-0002;Combined Policy and Competitive",
    "influence_column": "Influence",
    "dimensions": [
        ("Policy Position", "Policy Salience"),
        ("Competitive Position", "Competitive Salience"),
    ],
    "actors": [
        ("XJ", "Xi Jinping", 100.0, [(30, 24.0), (20, 48.0)]),
        ("LK", "Li Keqiang", 60.2, [(45, 44.7), (65, 41.3)]),
        ("ZG", "Zhang Gaoli", 35.0, [(30, 28.9), (15, 65.1)]),
        ("MK", "Ma Kai", 35.0, [(45, 20.6), (45, 49.4)]),
        ("LH", "Liu He - Deputy Director of DRC", 40.0, [(50, 44.7), (65, 47.8)]),
        ("XS", "Xu Shaoshi - Director of NDRC", 20.0, [(15, 32.0), (10, 32.0)]),
        ("NEA", "National Energy Administration", 15.0, [(20, 32.0), (15, 32.0)]),
        ("MLR", "Ministry of Land and Resources", 25.0, [(60, 43.9), (50, 50.1)]),
        ("MEP", "Ministry of Environmental Protection", 20.0, [(30, 26.4), (15, 17.6)]),
        ("MOF", "Ministry of Finance", 35.0, [(45, 35.9), (40, 46.6)]),
        ("SHX", "Shanxi", 20.0, [(50, 44.7), (50, 47.8)]),
        ("HLJ", "Heilongjiang", 20.0, [(20, 47.4), (30, 40.6)]),
        ("WY", "CNOOC - Wang Yilin", 40.0, [(15, 49.0), (60, 46.0)]),
    ],
}

CASES = {"dummyData_3Dim": DUMMY_3DIM, "SOE-Pol-Comp": SOE_POL_COMP}


def ktab_csv(case: dict) -> str:
    """The case in KTAB's CSV layout, trailing commas and padding as KTAB's files have them."""
    dims = case["dimensions"]
    lines = [
        f'{case["scenario"]} ,"{case["description"]}",{len(case["actors"])},{len(dims)},',
        ",".join(["Actor", "Description", case["influence_column"], *(c for d in dims for c in d)])
        + ",",
    ]
    for code, desc, influence, stances in case["actors"]:
        cells = [code, f" {desc}", f" {influence:.3f}"]
        cells += [
            f" {x:6.2f}" if i % 2 == 0 else f" {x:5.2f}" for p in stances for i, x in enumerate(p)
        ]
        lines.append(",".join(cells) + ",")
    return "\n".join(lines) + "\n"
