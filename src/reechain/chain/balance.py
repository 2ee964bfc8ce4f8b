"""The baseline balance of a dataset: the last check before a dataset is used.

For every year, region and commodity the baseline balances exactly — production + imports
= use + exports + stock change, residual rows included (DESIGN.md section 3). It is checked
on the compiled chain of each year, so it lives with the chain, not with the rows.
"""

from __future__ import annotations

from reechain.chain.model import compile_chain
from reechain.data.dataset import Dataset
from reechain.errors import DatasetError, Problem


def balance_problems(dataset: Dataset) -> list[Problem]:
    """Return where the baseline of any of ``dataset``'s years does not balance."""
    problems: list[Problem] = []
    for year in dataset.years():
        problems.extend(compile_chain(dataset, year, check_balance=False).balance_problems())
    return problems


def check_balance(dataset: Dataset) -> Dataset:
    """Return ``dataset`` if its baseline balances every year; DatasetError listing where not.

    Examples
    --------
    >>> import reechain
    >>> check_balance(reechain.load_dataset("sample")).name
    'sample'
    """
    problems = balance_problems(dataset)
    if problems:
        raise DatasetError(problems, stage="balance")
    return dataset


__all__ = ["balance_problems", "check_balance"]
