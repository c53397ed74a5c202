"""A hint to the CPU to fetch array elements into its caches before compiled code reads them.

The candidate filters read one document's shingle set per pair, and the pairs' second
documents come in no order: each set (1.6 KB in a 400-word article) is a walk from main
memory that the CPU starts only when the loop reaches it. Asking for the next pair's set while
this one is counted overlaps the two: the filter's scan of 4.4 million pairs at 200,000
Zipf-1.3 documents went 1.5 -> 0.65 s (docs/benchmarks.md). numba has no prefetch of its own;
this is LLVM's ``llvm.prefetch`` through numba's documented ``intrinsic`` extension.
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

__all__ = ["LINE_ITEMS", "prefetch"]

#: 4-byte items in a 64-byte cache line: ``prefetch`` every LINE_ITEMS-th one of a run
LINE_ITEMS = 16


@intrinsic
def prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    """Ask for ``array[index]``'s cache line to be read (for reading, kept in every cache
    level); no effect on results, and an index past the array's end is never read: the hint
    does not fault."""
    if not isinstance(array, types.Array) or not isinstance(index, types.Integer):
        return None
    sig = types.void(array, index)

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        kind = signature.args[0]
        made = context.make_array(kind)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(  # type: ignore[no-untyped-call]
            context, builder, kind, made, [args[1]], wraparound=False
        )
        byte = ir.IntType(8).as_pointer()
        i32 = ir.IntType(32)
        function = builder.module.declare_intrinsic(
            "llvm.prefetch", fnty=ir.FunctionType(ir.VoidType(), [byte, i32, i32, i32])
        )
        # read (0), high locality (3), data cache (1)
        builder.call(
            function,
            [builder.bitcast(pointer, byte), i32(0), i32(3), i32(1)],
        )
        return context.get_dummy_value()

    return sig, codegen
