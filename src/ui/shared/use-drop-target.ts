/**
 * A drop target: highlighted while something is dragged over it, and handed the
 * drop's DataTransfer. The browser's default (opening the file) is prevented on
 * both dragover and drop. React only; no worker.
 */
import { useState, type DragEvent } from 'react';

export function useDropTarget(onDrop: (data: DataTransfer) => void) {
  const [over, setOver] = useState(false);
  return {
    over,
    handlers: {
      onDragOver: (event: DragEvent) => {
        event.preventDefault();
        setOver(true);
      },
      onDragLeave: () => setOver(false),
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        setOver(false);
        onDrop(event.dataTransfer);
      },
    },
  };
}
