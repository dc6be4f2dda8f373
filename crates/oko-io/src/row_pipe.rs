//! A sheet read on one thread and its rows converted on another. Reading a
//! workbook's XML (calamine) is most of an upload; turning the cells into a
//! form's rows is the rest, and on a server with a core to spare both run at
//! once instead of one after the other (issue #22's figures: an upload within
//! 1.5× of calamine reading the file alone). Rows cross in batches, a few at a
//! time, so the memory held is still about one batch, not the sheet.

use std::sync::mpsc::sync_channel;

use crate::{
    form_import::{RawCell, RowSource},
    workbook::Refusal,
};

/// Rows handed over at once: enough that the hand-over costs nothing per row.
const BATCH: usize = 256;
/// Batches waiting at most: the reader pauses rather than run ahead of the
/// converter by more than this.
const WAITING: usize = 4;

/// Reads sheet `index` of `source`, giving each row to `convert` on a thread of
/// its own; returns once every row has been converted.
pub(crate) fn read_beside<C>(
    source: &mut impl RowSource,
    index: usize,
    convert: C,
) -> Result<(), Refusal>
where
    C: FnMut(usize, Vec<RawCell>) + Send,
{
    std::thread::scope(|scope| {
        let (send, receive) = sync_channel::<Vec<(usize, Vec<RawCell>)>>(WAITING);
        let converting = scope.spawn(move || {
            let mut convert = convert;
            for batch in receive {
                for (number, cells) in batch {
                    convert(number, cells);
                }
            }
        });
        let mut batch = Vec::with_capacity(BATCH);
        let read = source.each_row(index, &mut |number, cells| {
            batch.push((number, cells));
            if batch.len() == BATCH {
                // Fails only when the converter is gone (it panicked): the
                // reading ends, bounded as ever, and the join passes the panic on.
                let _ = send.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)));
            }
        });
        if !batch.is_empty() {
            let _ = send.send(batch);
        }
        drop(send);
        if let Err(panic) = converting.join() {
            std::panic::resume_unwind(panic);
        }
        read
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form_import::RawSheet;

    #[test]
    fn every_row_arrives_once_and_in_order_across_batches() {
        let rows: Vec<Vec<RawCell>> = (0..BATCH * 3 + 7)
            .map(|n| vec![RawCell::Number(n as f64)])
            .collect();
        let mut source = vec![RawSheet {
            name: "Лист1".into(),
            rows,
        }];
        let mut seen = Vec::new();
        read_beside(&mut source, 0, |number, cells| seen.push((number, cells))).expect("read");
        assert_eq!(seen.len(), BATCH * 3 + 7);
        for (at, (number, cells)) in seen.iter().enumerate() {
            assert_eq!(
                (*number, cells.as_slice()),
                (at, &[RawCell::Number(at as f64)][..])
            );
        }
    }

    #[test]
    fn a_converter_that_fails_fails_the_reading_not_the_process() {
        let mut source = vec![RawSheet {
            name: "Лист1".into(),
            rows: vec![vec![RawCell::Empty]; 10],
        }];
        let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            read_beside(&mut source, 0, |_, _| panic!("a bug in a conversion"))
        }));
        let panic = read.expect_err("the converter's panic reaches the caller");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"a bug in a conversion"));
    }
}
