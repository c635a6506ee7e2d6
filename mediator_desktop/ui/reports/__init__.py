"""统计报表: the statistics table of a period, the cases behind each figure, the trend charts."""
