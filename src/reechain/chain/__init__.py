"""The compiled chain: one year of a dataset as immutable numpy arrays.

:mod:`~reechain.chain.model` defines :class:`Chain` and :func:`compile_chain`;
:mod:`~reechain.chain.build` turns dataset rows into indices and arrays;
:mod:`~reechain.chain.tables` turns a chain back into dataset tables.
"""

from reechain.chain.model import Chain, FloatArray, IntArray, compile_chain, frozen, frozen_int

__all__ = ["Chain", "FloatArray", "IntArray", "compile_chain", "frozen", "frozen_int"]
